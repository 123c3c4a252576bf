//! The same bytes out whatever the thread count and chunk size, over generated folders.

use postmortem::scenario::labelled;

fn draft_json(dir: &std::path::Path, zone: &str, threads: usize, chunk: Option<usize>) -> String {
    let mut config = postmortem::Config::new(vec![dir.to_path_buf()])
        .with_zone(zone)
        .unwrap();
    if let Some(size) = chunk {
        config = config.with_chunk_size(size);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let (draft, _) = postmortem::draft(&config).unwrap();
        postmortem::render::json(&draft) + &postmortem::render::markdown::render(&draft)
    })
}

#[test]
fn same_output_for_any_thread_count_and_chunk_size() {
    let picks = [
        "new year, Berlin, no alert",
        "two incidents, New York",
        "2 req/min, no alert",
        "slow, not down",
    ];
    for (n, mut l) in labelled::all()
        .into_iter()
        .filter(|l| picks.contains(&l.name))
        .enumerate()
    {
        for seed in [1u64, 2] {
            l.scenario.seed = seed * 1000 + n as u64;
            let dir = tempfile::tempdir().unwrap();
            l.scenario.write(dir.path()).unwrap();
            let reference = draft_json(dir.path(), l.zone, 1, None);
            for (threads, chunk) in [
                (2, None),
                (1, Some(997)),
                (2, Some(4096)),
                (2, Some(65_536)),
                (3, Some(1 << 20)),
            ] {
                assert!(
                    draft_json(dir.path(), l.zone, threads, chunk) == reference,
                    "{} seed {seed}: output differs with {threads} threads, chunk {chunk:?}",
                    l.name
                );
            }
        }
    }
}
