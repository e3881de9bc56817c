//! Integration tests for fangxian-formats: one binary, one module per theme.

mod common;

mod archives;
mod bad_input;
mod csv;
mod encodings;
mod equivalence;
mod json;
mod perf;
mod proptests;
mod robustness;
mod sql;
mod sqlite;
mod text;
mod walk;
mod xlsx;
