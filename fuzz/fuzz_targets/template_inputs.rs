#![no_main]
//! Templates' inputs: any JSON as the model under the bundled brief template and a template
//! that runs every added filter (`pct`, `duration`, `clock`, `when`, `cite`) over every field
//! shape. Errors are fine; a panic is not.
use libfuzzer_sys::fuzz_target;
use postmortem::render::template::render_json;

const BRIEF: &str = include_str!("../../docs/templates/brief.md.j2");
const FILTERS: &str = "{% for i in incidents %}{{ i.start|when }} {{ i.start|clock }} \
{{ i.duration_seconds|duration }} {{ i.error_ratio|pct }} {{ i.trigger_candidate.source|cite }}\
{% for t in i.timeline %}{{ t.time|clock }} {{ t.source|cite }}{% endfor %}{% endfor %}";

fuzz_target!(|data: &[u8]| {
    let Ok(model) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = render_json("brief.md.j2", BRIEF, &model);
    let _ = render_json("filters.j2", FILTERS, &model);
});
