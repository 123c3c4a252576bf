use super::*;
use crate::render::tests_support::draft_with_series;

#[test]
fn fields_and_filters_of_the_json_model_are_available() {
    let draft = draft_with_series(&[(100, 0), (100, 50), (100, 0)], Some((1, 2)));
    let text = render(
        "t.md",
        "{% for i in incidents %}{{ i.start | when }} for {{ i.duration_seconds | duration }}, \
         {{ i.error_ratio | pct }} at {{ i.start | clock }}; {{ series | length }} bins{% endfor %}\n",
        &draft,
    )
    .expect("renders");
    assert_eq!(
        text,
        // trim_blocks: the newline after a block tag goes with it, as in Jinja.
        "2023-09-10 08:01:00 UTC for 1 min, 50.0% at 08:01:00; 3 bins"
    );
}

#[test]
fn a_typo_is_an_error_with_the_template_line() {
    let draft = draft_with_series(&[(100, 0)], None);
    let err = render("team.md", "# Title\n\n{{ incidnets[0].start }}\n", &draft)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("team.md:3: template:"), "{err}");
    let syntax = render("team.md", "{% for %}", &draft)
        .unwrap_err()
        .to_string();
    assert!(syntax.starts_with("team.md:1: template:"), "{syntax}");
}

#[test]
fn an_optional_field_can_be_tested_without_error() {
    let draft = draft_with_series(&[(100, 0)], None);
    let text = render(
        "t.md",
        "{% if span %}span{% else %}no span{% endif %}",
        &draft,
    )
    .expect("renders");
    assert_eq!(text, "no span");
}

/// Jinja as a template writer knows it: macros, `loop.previtem` and `break` (minijinja has
/// each behind a cargo feature; a leaner build must not drop them).
#[test]
fn macros_previous_items_and_loop_controls_are_offered() {
    let draft = draft_with_series(&[(100, 0), (100, 50), (100, 0)], Some((1, 2)));
    let text = render(
        "t.md",
        "{% macro bin(p) %}[{{ p.errors }}]{% endmacro %}\
         {% for p in series %}{% if loop.previtem %}{{ loop.previtem.errors }}>{% endif %}\
         {{ bin(p) }}{% if p.errors > 0 %}{% break %}{% endif %}{% endfor %}",
        &draft,
    )
    .expect("renders");
    assert_eq!(text, "[0]0>[50]");
}
