//! What `inc export` writes and `inc import` reads back: the format's version, the CSV columns,
//! how a text is kept whole in a CSV cell, and the marks of a public (one-way) export. Both
//! sides take them from here, so that the writer and the reader cannot drift apart.

pub mod cell;

/// The version of what a line of `inc export` holds. 1 (no `format` key): `inc show --json`
/// alone, whose `roles` are only the holders at the end; 2: with `role_events` and `changed`.
/// `inc import` reads both, and refuses a later one rather than lose what it does not know.
pub const FORMAT: u32 = 2;

/// The CSV columns, in the order `inc export` writes them. Only title and severity are required
/// by `inc import`; the others may be left out of the header or left empty.
pub const COLUMNS: [&str; 10] = [
    "title",
    "severity",
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "tags",
    "services",
    "summary",
];

/// What `inc import` says of a public export.
pub const ONE_WAY: &str = "this is a public export (inc export --public), which is one-way: it has no names, no internal entries and public ids; import a full export (inc export) instead";

/// The column a public CSV export adds (always `true`), so that it cannot pass for a full one.
pub const PUBLIC_COLUMN: &str = "public";
