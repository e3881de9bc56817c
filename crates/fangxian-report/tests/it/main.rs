//! Integration tests of every output `fangxian scan` writes.

mod browser;
mod findings;
mod fixture;
mod report;
