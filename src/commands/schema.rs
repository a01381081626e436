//! `inc schema`: print the JSON Schema of one of inc's YAML files.

use anyhow::Result;

use super::Ctx;
use crate::error::unknown_name;
use crate::model::schema;

/// Print the JSON Schema of a file kind: config, incident, timeline, roles, comms, catalog,
/// maintenance or updates
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc schema incident > incident.schema.json\n  inc schema config | jq .properties"
)]
pub struct Args {
    /// config, incident, timeline, roles, comms, catalog, maintenance (maintenance.yaml) or updates
    /// (a maintenance window's updates.yaml)
    pub name: String,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let text = schema::json(&args.name)
        .ok_or_else(|| unknown_name("schema", &args.name, &schema::NAMES))?;
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}
