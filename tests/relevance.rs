//! Relevance of search on the shipped knowledge base, measured: success@3, MRR and MAP over the
//! queries of `tests/relevance/queries.toml`, written from the report rather than from the index.
//! The floors are what this search reaches (BENCHMARKS.md has the numbers, before and after);
//! the search before issue 14 reached success@3 0.820 and MRR 0.787 on the same queries.

mod common;
use common::*;
use kennisbank::search::answer;
use kennisbank::{BuildOptions, compile};

#[derive(serde::Deserialize)]
struct Queries {
    query: Vec<Query>,
}

#[derive(serde::Deserialize)]
struct Query {
    q: String,
    accept: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

/// The ranks (from 1, among the first ten) of the accepted pages in the results of each query.
fn ranks() -> Vec<(String, Vec<usize>, usize)> {
    let text = std::fs::read_to_string(repo().join("tests/relevance/queries.toml")).unwrap();
    let queries: Queries = toml::from_str(&text).unwrap();
    let c = compile(&BuildOptions {
        root: repo(),
        ..Default::default()
    })
    .expect("shipped site compiles");
    queries
        .query
        .iter()
        .map(|q| {
            let json = answer(&c.search, &c.site.config, &q.q, &[], 10);
            let found = json["results"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    let url = r["url"].as_str().unwrap();
                    let path = url.split('#').next().unwrap().trim_start_matches('/');
                    q.accept.iter().any(|a| a == path)
                })
                .map(|(i, _)| i + 1)
                .collect();
            (q.q.clone(), found, q.accept.len())
        })
        .collect()
}

#[test]
fn relevance_queries_meet_their_floor() {
    let ranks = ranks();
    let n = ranks.len() as f64;
    assert!(ranks.len() >= 40, "at least 40 queries");
    let success = ranks
        .iter()
        .filter(|(_, f, _)| f.first().is_some_and(|&r| r <= 3))
        .count() as f64
        / n;
    let mrr = ranks
        .iter()
        .filter_map(|(_, f, _)| f.first())
        .map(|&r| 1.0 / r as f64)
        .sum::<f64>()
        / n;
    let map = ranks
        .iter()
        .map(|(_, f, accepted)| {
            f.iter()
                .enumerate()
                .map(|(k, &r)| (k + 1) as f64 / r as f64)
                .sum::<f64>()
                / (*accepted).min(10) as f64
        })
        .sum::<f64>()
        / n;
    for (q, f, _) in &ranks {
        if f.first().is_none_or(|&r| r > 3) {
            eprintln!("not in the top 3: {q} (ranks {f:?})");
        }
    }
    eprintln!(
        "{} queries: success@3 {success:.3}, MRR {mrr:.3}, MAP {map:.3}",
        ranks.len()
    );
    assert!(success >= 0.9, "success@3 {success:.3} under 0.9");
    assert!(mrr >= 0.88, "MRR {mrr:.3} under 0.88");
    assert!(map >= 0.8, "MAP {map:.3} under 0.8");
}
