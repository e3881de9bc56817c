//! MySQL and PostgreSQL dumps.

use crate::common::*;

#[test]
fn mysql_dump_with_create_table_and_escapes() {
    let data = r#"-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(64) DEFAULT NULL COMMENT 'a, b',
  `phone` char(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_phone` (`phone`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'张三','13800138000'),(2,'O\'Brien\\','139;0013,9000'),(3,NULL,'a''b\nc');
INSERT INTO `users` (`phone`, `name`) VALUES ('13700137000', _utf8mb4'王五');
UNLOCK TABLES;
"#;
    let c = read_bytes("dump.sql", data.as_bytes());
    assert_eq!(c.formats[0].1, "mysql");
    assert_eq!(
        c.flat(),
        [
            "1:id=1",
            "1:name=张三",
            "1:phone=13800138000",
            "2:id=2",
            "2:name=O'Brien\\",
            "2:phone=139;0013,9000",
            "3:id=3",
            "3:name=",
            "3:phone=a'b\nc",
            "4:phone=13700137000",
            "4:name=王五",
        ]
    );
    assert!(c.rows.iter().all(|r| r.table == "users"));
    assert!(
        c.warnings.is_empty() && c.errors.is_empty(),
        "{}",
        c.all_messages()
    );
}

#[test]
fn postgres_copy_and_insert() {
    let data = "--\n-- PostgreSQL database dump\n--\nSET standard_conforming_strings = on;\n\
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
CREATE TABLE public.users (\n    id integer NOT NULL,\n    name text,\n    phone text\n);\n\
COPY public.users (id, name, phone) FROM stdin;\n\
1\t张三\t13800138000\n\
2\t\\N\ttab\\there\\\\x\n\
\\.\n\
INSERT INTO public.users VALUES (3, 'it''s', E'13900\\n139000');\n";
    let c = read_bytes("pg.sql", data.as_bytes());
    assert_eq!(c.formats[0].1, "postgres");
    assert_eq!(
        c.flat(),
        [
            "1:id=1",
            "1:name=张三",
            "1:phone=13800138000",
            "2:id=2",
            "2:name=",
            "2:phone=tab\there\\x",
            "3:id=3",
            "3:name=it's",
            "3:phone=13900\n139000",
        ]
    );
    assert!(c.rows.iter().all(|r| r.table == "public.users"));
    assert!(
        c.warnings.is_empty() && c.errors.is_empty(),
        "{}",
        c.all_messages()
    );
}

#[test]
fn broken_statement_is_skipped_and_reading_goes_on() {
    let data = "INSERT INTO t VALUES (1,'a'),(2 'b');\nINSERT INTO t VALUES (3,'c');\n";
    let c = read_bytes("b.sql", data.as_bytes());
    assert_eq!(c.flat(), ["1:1", "1:a", "3:3", "3:c"]);
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
}

#[test]
fn mysql_binary_introducers_and_hex() {
    let data = "INSERT INTO `t` VALUES (1,_binary 0x4142,_binary 'x\\'y',X'4142');\n";
    let c = read_bytes("b.sql", data.as_bytes());
    assert_eq!(c.flat(), ["1:1", "1:0x4142", "1:x'y", "1:X'4142'"]);
    assert!(c.warnings.is_empty(), "{}", c.all_messages());
}

#[test]
fn quoted_keyword_column_names_are_columns() {
    let data = "CREATE TABLE `kv` (\n  `key` varchar(10),\n  `index` int,\n  KEY `k` (`key`)\n);\nINSERT INTO `kv` VALUES ('a',1);\n";
    let c = read_bytes("kv.sql", data.as_bytes());
    assert_eq!(c.flat(), ["1:key=a", "1:index=1"]);
}

#[test]
fn sql_server_script_without_semicolons() {
    let data = "SET IDENTITY_INSERT [dbo].[users] ON\nGO\nINSERT [dbo].[users] ([id], [name], [phone]) VALUES (1, N'张三', N'13800138000')\nINSERT [dbo].[users] ([id], [name], [phone]) VALUES (2, N'李四', N'13900139000')\nGO\nSET IDENTITY_INSERT [dbo].[users] OFF\nGO\n";
    let c = read_bytes("mssql.sql", data.as_bytes());
    assert_eq!(
        c.flat(),
        [
            "1:id=1",
            "1:name=张三",
            "1:phone=13800138000",
            "2:id=2",
            "2:name=李四",
            "2:phone=13900139000"
        ]
    );
    assert!(c.warnings.is_empty(), "{}", c.all_messages());
    assert_eq!(c.rows[0].table, "dbo.users");
}
