//! The severities with their definitions, as `inc sev --list` prints them and `inc open` offers
//! them on a terminal.

use std::io::Write;

use anyhow::Result;

use crate::model::severity::{Postmortem, Severity};
use crate::text::escape_controls;

/// The severities as `inc sev --list` prints them (numbered for `inc open` to choose from):
/// each name and description, its criteria below, then its post-mortem requirement.
pub fn print_severities(out: &mut dyn Write, list: &[Severity], numbered: bool) -> Result<()> {
    let width = list
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let number_width = if numbered {
        list.len().to_string().len() + 2
    } else {
        0
    };
    let indent = " ".repeat(number_width + width + 2);
    for (index, severity) in list.iter().enumerate() {
        let number = if numbered {
            format!("{:>w$}) ", index + 1, w = number_width - 2)
        } else {
            String::new()
        };
        let mut head = format!(
            "{number}{:<width$}  {}",
            escape_controls(&severity.name),
            escape_controls(&severity.description)
        );
        if severity.default {
            head.push_str(if severity.description.is_empty() {
                "(default)"
            } else {
                " (default)"
            });
        }
        writeln!(out, "{}", head.trim_end())?;
        for criterion in &severity.criteria {
            writeln!(out, "{indent}- {}", escape_controls(criterion))?;
        }
        match severity.postmortem {
            Postmortem::Required => writeln!(
                out,
                "{indent}post-mortem required within {} days",
                severity.postmortem_due_days
            )?,
            Postmortem::Optional => writeln!(out, "{indent}post-mortem optional")?,
        }
    }
    Ok(())
}

/// How many answers `inc open` takes before giving up, so a stuck terminal cannot loop forever.
const TRIES: usize = 3;

/// Offers the severities on `output` and reads the choice from `input`: a number from the list,
/// a name (any case, an alias, `1` for SEV1) or nothing for the default. `inc open` asks this
/// when `--sev` is not given and a person is at the terminal.
pub fn ask_severity(
    config: &crate::model::Config,
    input: &mut dyn std::io::BufRead,
    output: &mut dyn Write,
) -> Result<String> {
    use std::io::{BufRead, Read};
    let list = config.severity_list();
    writeln!(
        output,
        "Severity of the new incident (--sev SEV skips this):"
    )?;
    print_severities(output, &list, true)?;
    for _ in 0..TRIES {
        write!(
            output,
            "Choose 1-{} or a name [{}]: ",
            list.len(),
            escape_controls(&config.default_severity)
        )?;
        output.flush()?;
        let mut line = String::new();
        // One answer is a short line; a longer one is not typed by a person.
        if (&mut *input).take(256).read_line(&mut line)? == 0 {
            writeln!(output)?;
            break;
        }
        let answer = line.trim();
        if answer.is_empty() {
            return Ok(config.default_severity.clone());
        }
        let numbered = answer
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| list.get(n));
        if let Some(severity) = numbered {
            return Ok(severity.name.clone());
        }
        match config.severity(answer) {
            Ok(name) => return Ok(name),
            Err(err) => writeln!(output, "{err}")?,
        }
    }
    Err(crate::error::Error::usage(
        "no severity chosen: give one with --sev SEV (inc sev --list shows them)",
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    fn ask(answers: &str) -> (Result<String>, String) {
        let mut output = Vec::new();
        let chosen = ask_severity(&Config::default(), &mut answers.as_bytes(), &mut output);
        (chosen, String::from_utf8(output).unwrap())
    }

    #[test]
    fn offers_the_definitions_and_takes_a_number_a_name_or_the_default() {
        let (chosen, shown) = ask("2\n");
        assert_eq!(chosen.unwrap(), "SEV2");
        assert!(shown.starts_with("Severity of the new incident"), "{shown}");
        assert!(
            shown.contains("1) SEV1  Critical: a core service is down or data is at risk\n"),
            "{shown}"
        );
        assert!(shown.contains("3) SEV3  Minor: a limited or partial problem (default)\n"));
        assert!(shown.contains("         - no workaround\n"), "{shown}");
        assert!(shown.ends_with("Choose 1-4 or a name [SEV3]: "), "{shown}");
        assert_eq!(ask("sev4\n").0.unwrap(), "SEV4");
        assert_eq!(ask("\n").0.unwrap(), "SEV3");
    }

    #[test]
    fn asks_again_after_a_wrong_answer_and_gives_up_at_the_end_of_input() {
        let (chosen, shown) = ask("7\nSEV\n1\n");
        assert_eq!(chosen.unwrap(), "SEV1");
        assert_eq!(shown.matches("Choose 1-4").count(), 3, "{shown}");
        assert!(shown.contains("unknown severity \"7\""), "{shown}");
        let (chosen, _) = ask("");
        let err = chosen.unwrap_err().to_string();
        assert!(
            err.starts_with("no severity chosen: give one with --sev"),
            "{err}"
        );
        let (chosen, shown) = ask("x\ny\nz\n1\n");
        assert!(chosen.is_err());
        assert_eq!(shown.matches("Choose 1-4").count(), 3, "{shown}");
    }
}
