use super::*;

#[test]
fn auto_colours_only_a_terminal_without_no_color() {
    let auto = ColorChoice::Auto;
    assert!(auto.resolve(true, None, Some("xterm-256color")));
    assert!(!auto.resolve(false, None, None), "a pipe or a file");
    assert!(!auto.resolve(true, Some("1"), None), "NO_COLOR set");
    assert!(
        auto.resolve(true, Some(""), None),
        "NO_COLOR empty counts as unset"
    );
    assert!(!auto.resolve(true, None, Some("dumb")));
    assert!(
        ColorChoice::Always.resolve(false, Some("1"), None),
        "an explicit flag wins"
    );
    assert!(!ColorChoice::Never.resolve(true, None, None));
}

#[test]
fn the_incident_cells_of_the_sparkline_are_red_and_nothing_else_changes() {
    let text = format!(
        "# Title\n{LABEL}▁▂█▇▁  peak 9%\n{MARK_LABEL}  ^^\nplain **bold** ✍ _ask me_ tail\n"
    );
    let coloured = colour_markdown(&text);
    assert!(coloured.contains(&format!("{HEADING}# Title{RESET}")));
    assert!(coloured.contains(&format!("▁▂{HOT}█▇{RESET}▁")));
    assert!(coloured.contains(&format!(
        "plain {BOLD}**bold**{RESET} {ASK}✍ _ask me_{RESET} tail"
    )));
    let stripped = coloured
        .replace(HEADING, "")
        .replace(HOT, "")
        .replace(BOLD, "")
        .replace(ASK, "")
        .replace(RESET, "");
    assert_eq!(stripped, text);
}
