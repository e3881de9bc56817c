//! Integration tests for fangxian-formats: one binary, one module per theme.

mod common;

mod archives;
mod bad_input;
mod csv;
mod encodings;
mod json;
mod sql;
mod sqlite;
mod text;
mod xlsx;
