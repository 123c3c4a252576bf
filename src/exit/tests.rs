use super::*;

#[test]
fn codes_are_stable() {
    assert_eq!(ExitCode::for_run(1, false) as u8, 0);
    assert_eq!(ExitCode::for_run(0, false) as u8, 1);
    assert_eq!(ExitCode::for_run(3, true) as u8, 2);
}
