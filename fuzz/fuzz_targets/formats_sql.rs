//! SQL dumps straight into the SQL reader: a MySQL `INSERT INTO … VALUES (` (with or without
//! a column list or a preceding `CREATE TABLE`), a PostgreSQL `COPY … FROM stdin;` block or a
//! PostgreSQL `INSERT`, chosen by the first byte, then the fuzz bytes (escapes, quotes,
//! multi-row VALUES, `\.` terminators, dollar quoting, comments). Must never panic, hang or
//! allocate without bound.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use fangxian_formats::Format;
use libfuzzer_sys::{fuzz_target, Corpus};

const PREFIXES: [&[u8]; 6] = [
    b"-- MySQL dump 10.13\nINSERT INTO `t` VALUES (",
    b"-- MySQL dump 10.13\nINSERT INTO `db`.`t` (`id`,`name`,`phone`) VALUES (1,'Zhang\\'s','13800138000'),(",
    b"CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `name` varchar(20) DEFAULT 'a;b',\n  PRIMARY KEY (`id`)\n);\nINSERT INTO `t` VALUES (",
    b"--\n-- PostgreSQL database dump\n--\nCOPY public.t (id, name, phone) FROM stdin;\n",
    b"COPY \"odd\"\"name\" FROM stdin;\n1\tZhang\\tSan\t\\N\n",
    b"-- PostgreSQL database dump\nSET standard_conforming_strings = on;\nINSERT INTO public.t (id, note) VALUES (1, E'a\\nb'), (2, $q$x;y$q$), (",
];

/// What control bytes become: the characters SQL dumps are made of.
const ALPHABET: &[u8] = b"'\\,();\n\"`$\t.N";

fuzz_target!(|data: &[u8]| -> Corpus {
    let [mode, lim, body @ ..] = data else {
        return Corpus::Reject;
    };
    let mut text = PREFIXES[usize::from(mode % 6)].to_vec();
    if mode & 0x80 != 0 {
        text.extend_from_slice(body);
    } else {
        text.extend(common::structural(body, ALPHABET));
    }
    if mode & 0x40 != 0 {
        // End the statement or block properly, then another one.
        text.extend_from_slice(b");\n\\.\nINSERT INTO `u` VALUES ('x');\n");
    }
    let seen = common::read(&text, common::limits(*lim));
    common::routed("formats_sql", &seen, |r| {
        r.format == Format::MysqlDump.name() || r.format == Format::PostgresDump.name()
    })
});
