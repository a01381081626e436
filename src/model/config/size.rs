//! Sizes in `.inc.yaml` (`5MB`, `500kB`, `2MiB`, or bytes), read and written as people write them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A number of bytes in configuration, written `5MB`, `500kB`, `2MiB` or as a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl Size {
    /// `5MB`, `1.5 MB`, `2MiB`, `300kB`, `1024` (bytes); `None` for anything else.
    pub fn parse(text: &str) -> Option<Size> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number.parse().ok()?;
        let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1.0,
            "kb" | "k" => 1e3,
            "mb" | "m" => 1e6,
            "gb" | "g" => 1e9,
            "kib" => 1024.0,
            "mib" => 1024.0 * 1024.0,
            "gib" => 1024.0 * 1024.0 * 1024.0,
            _ => return None,
        };
        let bytes = number * factor;
        (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(Size(bytes as u64))
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0;
        if n >= 1_000_000 && n.is_multiple_of(100_000) {
            write!(f, "{}MB", n as f64 / 1e6)
        } else if n >= 1000 && n.is_multiple_of(100) {
            write!(f, "{}kB", n as f64 / 1e3)
        } else {
            write!(f, "{n} bytes")
        }
    }
}

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Bytes(u64),
            Text(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Bytes(n) => Ok(Size(n)),
            Written::Text(text) => Size::parse(&text).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "\"{text}\" is not a size like 5MB, 500kB or 1048576"
                ))
            }),
        }
    }
}

impl JsonSchema for Size {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Size".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "integer"],
            "description": "a size: bytes, or like 5MB, 500kB, 2MiB"
        })
    }
}
