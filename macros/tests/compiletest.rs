//! Misuses of `#[derive(McpTable)]` fail to compile with an error at the offending attribute;
//! correct uses compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/ui/*.rs");
}
