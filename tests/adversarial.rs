//! Adversarial formulas: each compiles (and runs correctly) or is refused
//! with a limit error; none crashes, overflows the stack or runs away.
//! Measured times for these cases are in SECURITY.md, not asserted here.

use exprjit::{Engine, ErrorKind, Limits};

fn limit(text: &str) {
    let e = Engine::new().parse(text).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
}

#[test]
fn deep_parentheses_and_unary_chains_are_limit_errors() {
    limit(&format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000)));
    limit(&format!("{}x", "-".repeat(100_000)));
    limit(&format!("{}x", "!".repeat(100_000)));
    limit(&format!(
        "{}x{}",
        "sin(".repeat(100_000),
        ")".repeat(100_000)
    ));
    // Unbalanced: more opening than closing.
    limit(&"(".repeat(100_000));
}

#[test]
fn power_towers_are_limit_errors_or_compile() {
    limit(&format!("2{}", "^2".repeat(100_000)));
    limit(&format!("x{}", "**-x".repeat(10_000)));
    // Within the depth limit a tower compiles and overflows to inf like pow.
    let f = Engine::new()
        .parse(&format!("2{}", "^2".repeat(6)))
        .unwrap();
    assert_eq!(f.eval(&[]).unwrap(), f64::INFINITY);
}

#[test]
fn huge_integer_exponents_call_pow() {
    let e = Engine::new().parse("x^1000000000 + x^-1000000000").unwrap();
    assert_eq!(e.rewritten(), "x^1000000000 + x^-1000000000");
    assert_eq!(
        e.eval(&[("x", 1.0000001)]).unwrap(),
        1.0000001f64.powf(1e9) + 1.0000001f64.powf(-1e9)
    );
    let big = Engine::new().parse("x^1e300").unwrap();
    assert_eq!(big.eval(&[("x", 2.0)]).unwrap(), f64::INFINITY);
}

#[test]
fn megabyte_formulas() {
    // 1 MB of terms: beyond the node limit, refused before compiling.
    let terms = "x+".repeat(1 << 19);
    limit(&format!("{terms}x"));
    // 1 MB of one literal: a single node.
    let digits = "1".repeat((1 << 20) - 10);
    assert_eq!(exprjit::eval(&digits, &[]).unwrap(), f64::INFINITY);
    // 1 MB of whitespace around a small formula.
    let spaced = format!(
        "{}x * 2{}",
        " ".repeat(1 << 19),
        "\n".repeat((1 << 19) - 100)
    );
    assert_eq!(exprjit::eval(&spaced, &[("x", 4.0)]).unwrap(), 8.0);
    // Over the text limit.
    limit(&" ".repeat((1 << 20) + 1));
}

#[test]
fn ten_thousand_distinct_variables() {
    let names: Vec<String> = (0..10_000).map(|k| format!("v{k}")).collect();
    let text = names.join(" + ");
    let expr = Engine::new().parse(&text).unwrap();
    assert_eq!(expr.variables().len(), 10_000);
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let f = expr.compile(&args).unwrap();
    let values: Vec<f64> = (0..10_000).map(f64::from).collect();
    assert_eq!(f.call(&values).unwrap(), 49_995_000.0);
    assert_eq!(
        expr.interpreter(&args).unwrap().call(&values).unwrap(),
        49_995_000.0
    );
}

#[test]
fn fifty_thousand_nodes_with_heavy_sharing() {
    // 50,000 syntax nodes that hash-cons to a handful of IR nodes.
    let term = "sin(x)*cos(x)";
    let text = vec![term; 10_000].join(" + ");
    let expr = Engine::new().parse(&text).unwrap();
    assert!(
        exprjit::unstable::program(&expr).len() < 10_010,
        "{}",
        exprjit::unstable::program(&expr).len()
    );
    let f = expr.compile(&["x"]).unwrap();
    let want = expr.interpreter(&["x"]).unwrap().call(&[0.3]).unwrap();
    assert_eq!(f.call(&[0.3]).unwrap().to_bits(), want.to_bits());
    // A balanced tree of shared squares: 2^k copies in text, k nodes in IR.
    let mut shared = "x".to_string();
    for _ in 0..14 {
        shared = format!("({shared}*{shared})");
    }
    assert!(shared.len() > 50_000);
    let limits = Limits {
        max_nodes: 100_000,
        ..Limits::default()
    };
    let expr = Engine::new().with_limits(limits).parse(&shared).unwrap();
    assert!(
        exprjit::unstable::program(&expr).len() <= 16,
        "{}",
        exprjit::unstable::program(&expr).len()
    );
    assert_eq!(expr.compile(&["x"]).unwrap().call(&[1.0]).unwrap(), 1.0);
}

#[test]
fn unicode_nul_and_control_characters_are_syntax_errors() {
    for text in [
        "x\0",
        "\0",
        "x\u{FEFF}+1",
        "𝑥 + 1",
        "x + ١",
        "x\u{202E}+1",
        "\u{7f}",
        "x\r\n+\t1",
    ] {
        match Engine::new().parse(text) {
            Ok(e) => assert_eq!(text, "x\r\n+\t1", "{text:?} parsed as {}", e.rewritten()),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Syntax, "{text:?}: {e}");
                assert!(e.line_col().is_some());
                let _ = e.to_string();
            }
        }
    }
}

#[test]
fn huge_and_malformed_literals() {
    assert_eq!(exprjit::eval("1e999", &[]).unwrap(), f64::INFINITY);
    assert_eq!(exprjit::eval("1e-999", &[]).unwrap(), 0.0);
    assert_eq!(
        exprjit::eval("0.000000000000000000000000000001e330", &[]).unwrap(),
        1e300
    );
    assert_eq!(
        exprjit::eval(&format!("0.{}1", "0".repeat(400)), &[]).unwrap(),
        0.0,
        "underflows to zero"
    );
    for bad in [
        "1..2", "1e", "1e+", "1e-", ".", "..5", "1.2.3", "0x10", "1_000", "2e3e4",
    ] {
        let e = Engine::new().parse(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{bad}: {e}");
    }
}

#[test]
fn every_limit_is_a_setting() {
    let tight = Limits {
        max_text_len: 100,
        max_depth: 3,
        max_nodes: 10,
    };
    let engine = Engine::new().with_limits(tight);
    assert!(engine.parse("((x))").is_ok());
    assert_eq!(
        engine.parse("((((x))))").unwrap_err().kind(),
        ErrorKind::Limit
    );
    assert_eq!(
        engine.parse("x+x+x+x+x+x").unwrap_err().kind(),
        ErrorKind::Limit
    );
    assert_eq!(
        engine.parse(&"1".repeat(101)).unwrap_err().kind(),
        ErrorKind::Limit
    );
    assert_eq!(Limits::default().max_depth, 256);
}
