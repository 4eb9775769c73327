//! Many threads filling from shared handles with different configs, while
//! the thread cap changes and handles are created and dropped: every result
//! equals the single-threaded one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use variance_scaling::{Config, Distribution, Initializer, Mode, parallel};

fn configs() -> Vec<Config> {
    vec![
        Config::new(
            2.0,
            Mode::FanIn,
            Distribution::TruncatedNormal,
            Some(1),
            None,
        )
        .unwrap(),
        Config::new(1.0, Mode::FanAvg, Distribution::Uniform, Some(2), None).unwrap(),
        Config::new(
            0.5,
            Mode::FanOut,
            Distribution::UntruncatedNormal,
            Some(3),
            None,
        )
        .unwrap(),
    ]
}

const SHAPE: [i64; 2] = [512, 600]; // 307,200 values: large enough to split

#[test]
fn sixteen_threads_match_the_single_threaded_result() {
    parallel::set_max_threads(1);
    let reference: Vec<Vec<f32>> = configs()
        .into_iter()
        .map(|c| {
            let mut v = vec![0f32; 512 * 600];
            Initializer::new(c).unwrap().fill(&SHAPE, &mut v).unwrap();
            v
        })
        .collect();
    parallel::set_max_threads(0);
    let reference = Arc::new(reference);
    let shared: Arc<Vec<Initializer>> = Arc::new(
        configs()
            .into_iter()
            .map(|c| Initializer::new(c).unwrap())
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    // one thread keeps changing the cap while the others fill
    let changer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                parallel::set_max_threads(n % 4);
                n += 1;
                std::thread::yield_now();
            }
        })
    };
    let workers: Vec<_> = (0..16)
        .map(|t| {
            let shared = shared.clone();
            let reference = reference.clone();
            std::thread::spawn(move || {
                for round in 0..6 {
                    let k = (t + round) % 3;
                    let mut v = vec![0f32; 512 * 600];
                    if round % 2 == 0 {
                        // a shared handle
                        shared[k].fill(&SHAPE, &mut v).unwrap();
                    } else {
                        // a handle created and dropped on this thread
                        let own = Initializer::new(configs().swap_remove(k)).unwrap();
                        own.fill(&SHAPE, &mut v).unwrap();
                        drop(own);
                    }
                    assert!(v == reference[k], "thread {t} round {round} config {k}");
                    // a range of it, too
                    let mut part = vec![0f32; 5000];
                    shared[k].fill_range(&SHAPE, 100_003, &mut part).unwrap();
                    assert!(part[..] == reference[k][100_003..105_003]);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    changer.join().unwrap();
    parallel::set_max_threads(0);
}
