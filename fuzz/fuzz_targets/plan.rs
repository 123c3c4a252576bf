#![no_main]
//! Plans read as `partial` and `merge` read them: any text as a plan, and, when it parses, its
//! settings as a run's and its files as a plan to open. A plan's id is a checksum anyone can
//! recompute: the input's own id is replaced by the right one, so mutations reach every check
//! behind it. Refusals are fine; a panic is not.
use libfuzzer_sys::fuzz_target;
use postmortem::pipeline::wire::PlanDoc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PlanDoc::parse(text, "fuzz.json");
    // The same plan with its id made right.
    if let Ok(mut doc) = serde_json::from_str::<PlanDoc>(text) {
        doc.id = doc.digest();
        if let Ok(doc) = PlanDoc::parse(&doc.to_json(), "fuzz.json") {
            let _ = doc.config();
            let _ = doc.plan();
        }
    }
});
