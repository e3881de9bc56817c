//! Recognizers: finding items in free text, in labelled fields, and profiling table columns.
