//! The module graph flows one way (ARCHITECTURE.md): each module of `src/`
//! names only modules of a lower layer through `crate::…` paths, so there is
//! no cycle such as the old `ir → math → functions → ir`. This test reads
//! the sources; a new `use crate::…` that points upward fails it.

use std::path::Path;

/// Layers, lowest first. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["error", "format", "limits", "native"],
    &["alloc"],
    &["math"],
    &["functions", "syntax", "simd"],
    &["ir"],
    &["interp", "bind", "jit", "dd", "wide"],
    &["kernels"],
    &["api"],
    &["digits"],
    &["session"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The `crate::NAME` paths in code (not comments) of one module's files.
fn uses(files: &[std::path::PathBuf]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests (the rest of the file) may drive the module through
        // the public API.
        for line in text.lines().take_while(|l| l.trim() != "#[cfg(test)]") {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                found.push((name, file.display().to_string()));
                rest = &rest[at + 7..];
            }
        }
    }
    found
}

fn sources(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    }
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_string();
        if ["lib", "main", "repl"].contains(&module.as_str()) {
            continue;
        }
        let own = layer(&module)
            .unwrap_or_else(|| panic!("src/{module} is in no layer of tests/layers.rs"));
        for (used, file) in uses(&sources(&path)) {
            if used == module || used.is_empty() {
                continue;
            }
            checked += 1;
            // A name that is no module is a re-export of the crate root:
            // the public API, at `api`'s layer.
            let used_layer = layer(&used).or_else(|| {
                (!src.join(format!("{used}.rs")).exists() && !src.join(&used).is_dir())
                    .then(|| layer("api").unwrap())
            });
            match used_layer {
                Some(l) if l < own => {}
                _ => wrong.push(format!("{file}: `{module}` uses `crate::{used}`")),
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} paths found: is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "upward or sideways uses:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_an_upward_use() {
    let dir = std::env::temp_dir().join(format!("exprjit-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("math.rs");
    std::fs::write(
        &file,
        "use crate::functions::MathFn; // crate::ir in a comment\n",
    )
    .unwrap();
    let found = uses(&sources(&file));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "functions");
    assert!(layer("functions") > layer("math"));
}
