//! Probing a live list endpoint: where the records are, how pages link, what a record looks like.
//!
//! OWNED BY THE PROBE HELPER: this file is a stub.
