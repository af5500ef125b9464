//! docs/commands.md lists the error codes and fields of the generated bindings
//! (`ui/src/bindings/ErrorCode.ts`, `Field.ts`), each code with the doc comment of its
//! `ErrorCode` variant. This test writes that section; `scripts/test` fails when the committed
//! page differs, as it does for the bindings. A code without a doc comment fails here.

use std::fs;
use std::path::{Path, PathBuf};

const BEGIN: &str = "<!-- error codes: written by tests/docs.rs from the bindings -->";
const END: &str = "<!-- end of error codes -->";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// The members of a generated union type: `export type X = "A" | "B";`.
fn union_members(binding: &str) -> Vec<String> {
    let text = fs::read_to_string(repo().join("ui/src/bindings").join(binding)).expect("binding");
    let union = text
        .lines()
        .find(|l| l.starts_with("export type"))
        .expect("a type");
    union
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// `SCREAMING_SNAKE_CASE` → `CamelCase`, the variant's name in error.rs.
fn variant(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let lower = w.to_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The doc comment above `variant,` inside `pub enum ErrorCode`.
fn meaning(source: &str, variant: &str) -> Option<String> {
    let body = &source[source.find("pub enum ErrorCode")?..];
    let lines: Vec<&str> = body.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("{variant},"))?;
    let mut docs: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("///"))
        .map(|l| l.trim_start().trim_start_matches("///").trim())
        .collect();
    docs.reverse();
    (!docs.is_empty()).then(|| docs.join(" "))
}

#[test]
fn the_command_page_lists_every_error_code_and_field_of_the_bindings() {
    let source = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/error.rs"))
        .expect("error.rs");
    let mut section = vec![BEGIN.to_owned(), String::new()];
    section.push("| `code` | meaning |".to_owned());
    section.push("|---|---|".to_owned());
    for code in union_members("ErrorCode.ts") {
        let meaning = meaning(&source, &variant(&code))
            .unwrap_or_else(|| panic!("ErrorCode::{} has no doc comment", variant(&code)));
        section.push(format!("| `{code}` | {} |", meaning.replace('|', "\\|")));
    }
    let fields: Vec<String> = union_members("Field.ts")
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    section.push(String::new());
    section.push(format!(
        "`field` (type `Field`) names the input an error belongs to: {}.",
        fields.join(", ")
    ));
    section.push(String::new());
    section.push(END.to_owned());

    let path = repo().join("docs/commands.md");
    let page = fs::read_to_string(&path).expect("docs/commands.md");
    let start = page.find(BEGIN).expect("the page marks where the codes go");
    let end = page.find(END).expect("the page marks where the codes end") + END.len();
    let written = format!("{}{}{}", &page[..start], section.join("\n"), &page[end..]);
    if written != page {
        fs::write(&path, written).expect("write docs/commands.md");
    }
}
