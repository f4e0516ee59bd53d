//! The shipped knowledge base: its figures match the report's tables (written out here, so an
//! edit cannot silently change a number), and its pages are linked as the content issue asks.

mod common;
use common::*;
use kennisbank::{BuildOptions, compile};

/// Tabel 1–5 of *Leren decentraliseren*, as printed in the report: (file, [(row label start, values)]).
/// A table: its CSV file and its rows (label start, values).
type Table = (&'static str, &'static [(&'static str, &'static [f64])]);

const TABLES: &[Table] = &[
    (
        "tabel-1-gewenste-sturing.csv",
        &[
            ("Rechtmatige", &[8.0, 18.0]),
            ("Presterende", &[48.0, 37.0]),
            ("Samenwerkende", &[82.0, 77.0]),
            ("Responsieve", &[86.0, 81.0]),
        ],
    ),
    (
        "tabel-2-waardering-strategie.csv",
        &[
            ("Aandacht voor preventie", &[84.0, 21.0]),
            ("Aanbod georganiseerd", &[30.0, 15.0]),
            ("Monitoring", &[51.0, 22.0]),
            ("Regionale samenwerking", &[73.0, 40.0]),
            ("Samenwerking met bedrijfsleven", &[73.0, 55.0]),
        ],
    ),
    (
        "tabel-3-tevredenheid.csv",
        &[
            ("3D's: implementatie", &[0.0, 2.0, 20.0, 64.0, 13.0]),
            ("3D's: na inwerkingtreding", &[1.0, 0.0, 18.0, 73.0, 8.0]),
            ("Omgevingswet", &[5.0, 16.0, 40.0, 34.0, 6.0]),
        ],
    ),
    (
        "tabel-4-weg-belangrijkheid.csv",
        &[
            ("Organisatie geschikt", &[73.0, 42.0]),
            ("Betrokkenheid gemeenteraad", &[72.0, 59.0]),
            ("Sturing door gemeenteraad", &[43.0, 39.0]),
            ("Betrokkenheid college", &[75.0, 67.0]),
            ("Sturing door college", &[57.0, 55.0]),
        ],
    ),
    (
        "tabel-5-noodzakelijke-verandering.csv",
        &[
            ("Integraliteit", &[35.0, 51.0]),
            ("Ontschotting", &[33.0, 43.0]),
            ("Gebruiker", &[24.0, 38.0]),
            ("Zelforganiserend", &[39.0, 42.0]),
            ("Inzicht", &[26.0, 48.0]),
            ("Voorspelbaarheid", &[29.0, 42.0]),
            ("Bestuurlijke afwegingsruimte", &[33.0, 40.0]),
            ("Snelheid", &[22.0, 39.0]),
            ("Kwaliteit", &[20.0, 27.0]),
        ],
    ),
];

fn csv_rows(file: &str) -> Vec<(String, Vec<f64>)> {
    let text = read(repo().join("content/data/enquete").join(file));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[0].to_string(),
                cells[1..]
                    .iter()
                    .map(|c| c.trim().parse().unwrap())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn survey_tables_match_the_report() {
    for (file, rows) in TABLES {
        let csv = csv_rows(file);
        assert_eq!(csv.len(), rows.len(), "{file}: number of rows");
        for ((label, values), (csv_label, csv_values)) in rows.iter().zip(&csv) {
            assert!(
                csv_label.starts_with(label),
                "{file}: row `{csv_label}` should be `{label}…`"
            );
            assert_eq!(&csv_values[..], *values, "{file}: row `{label}`");
        }
    }
}

#[test]
fn response_figures_match_the_report() {
    let rows = csv_rows("respons.csv");
    let responded: f64 = rows.iter().map(|(_, v)| v[0]).sum();
    let all: f64 = rows.iter().map(|(_, v)| v[1]).sum();
    assert_eq!((responded, all), (126.0, 388.0));
    // The page states the same figures, each where it belongs (a bare "90" would be found in
    // "1990" or "90 gemeenten").
    let method = read(repo().join("content/onderzoek/methode-en-respons.md"));
    for sentence in [
        "**126** gemeentesecretarissen deden mee, van een populatie van **388** gemeenten",
        "een betrouwbaarheid van **90%** en een foutenmarge van **6,1**",
        "In totaal gaat het om 126 reacties (100%) op 388 gemeenten (100%).",
    ] {
        assert!(
            method.contains(sentence),
            "methode-en-respons lacks `{sentence}`"
        );
    }
}

#[test]
fn built_research_page_shows_every_table_figure() {
    let c = compile(&BuildOptions {
        root: repo(),
        ..Default::default()
    })
    .unwrap();
    let html = String::from_utf8(
        c.output
            .read("onderzoek/enquete-resultaten/index.html")
            .unwrap(),
    )
    .unwrap();
    for (file, rows) in TABLES {
        assert!(
            html.contains(&format!("enquete-{}", file.trim_end_matches(".csv"))),
            "no chart of {file}"
        );
        for (label, values) in *rows {
            let cells: String = values.iter().map(|v| format!("<td>{v}</td>")).collect();
            assert!(
                html.contains(&cells),
                "{file}: row {label} ({cells}) not in the built table"
            );
        }
    }
    assert!(
        !html.contains("presenterende"),
        "the report's misspelling must not carry over"
    );
}

#[test]
fn every_page_is_linked_as_the_model_requires() {
    let c = compile(&BuildOptions {
        root: repo(),
        ..Default::default()
    })
    .unwrap();
    let site = &c.site;
    let members = |coll: &str| {
        site.collections[coll]
            .iter()
            .map(|&i| &site.nodes[i])
            .collect::<Vec<_>>()
    };
    let count = |n: &kennisbank::graph::Node, rel: &str| n.relations.get(rel).map_or(0, Vec::len);
    let inv = |n: &kennisbank::graph::Node, rel: &str| n.inverse.get(rel).map_or(0, Vec::len);
    let lessons = members("lessen");
    assert_eq!(lessons.len(), 7);
    for l in &lessons {
        assert!(
            count(l, "kwadranten") >= 1 && count(l, "themas") >= 1,
            "{}",
            l.page.file
        );
        assert!(
            l.relations["kwadranten"]
                .iter()
                .all(|k| k.why.as_deref().is_some_and(|w| w.len() > 20))
        );
    }
    let cases = members("praktijkvoorbeelden");
    assert!(cases.len() >= 11);
    for case in &cases {
        assert!(
            count(case, "themas") >= 1 && count(case, "lessen") >= 1,
            "{}",
            case.page.file
        );
    }
    for q in members("kwadranten") {
        assert!(
            inv(q, "lessen") + inv(q, "praktijkvoorbeelden") >= 2,
            "{}",
            q.page.file
        );
    }
    assert_eq!(members("kwadranten").len(), 4);
    for t in members("themas") {
        assert!(inv(t, "praktijkvoorbeelden") >= 2, "{}", t.page.file);
    }
    assert_eq!(members("rollen").len(), 4);
    for r in members("rollen") {
        assert_eq!(count(r, "kwadranten"), 1, "{}", r.page.file);
    }
}

#[test]
fn pages_are_long_enough_and_summarised() {
    let c = compile(&BuildOptions {
        root: repo(),
        ..Default::default()
    })
    .unwrap();
    let min = |coll: &str| match coll {
        "lessen" => 300,
        "themas" => 400,
        "praktijkvoorbeelden" => 150,
        _ => 100,
    };
    for (coll, ids) in &c.site.collections {
        for &i in ids {
            let words = c.bodies[i].word_count;
            let p = &c.site.nodes[i].page;
            assert!(words >= min(coll), "{}: {words} words", p.file);
            assert!(
                p.summary.as_deref().is_some_and(|s| s.len() > 20),
                "{}: no summary",
                p.file
            );
        }
    }
}

#[test]
fn presterende_is_spelled_right_everywhere() {
    for (path, bytes) in read_tree(&repo().join("content")) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(!text.contains("presenterende"), "{path}");
    }
}
