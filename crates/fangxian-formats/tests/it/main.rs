//! Integration tests for fangxian-formats: one binary, one module per theme.

mod common;

mod archives;
mod bad_input;
mod csv;
mod encodings;
mod text;
