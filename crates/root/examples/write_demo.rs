//! Writes a small file with every branch kind the writer supports.
//! `cargo run -p hepkey-root --example write_demo -- OUT.root [zlib|lz4|zstd|lzma|none]`

use hepkey_root::hist::{Axis, Histogram};
use hepkey_root::write::{BranchSpec, Compression, FileWriter};
use hepkey_root::DType;
use hepkey_root::{Array, Values};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: write_demo OUT.root [compression]")?;
    let compression = Compression::parse(&args.next().unwrap_or_else(|| "zlib".into()))?;
    let mut f = FileWriter::create(&out, compression)?;
    f.basket_entries = 300;
    let dir = f.mkdirs("events/sub")?;
    let specs = vec![
        BranchSpec::scalar("x", DType::F64),
        BranchSpec::scalar("i", DType::I32),
        BranchSpec::scalar("u", DType::U32),
        BranchSpec::scalar("flag", DType::Bool),
        BranchSpec::fixed("p3", DType::F32, 3),
        BranchSpec::scalar("n", DType::I32),
        BranchSpec::jagged("pt", DType::F32, "n"),
        BranchSpec::vector("vi", DType::I32),
        BranchSpec::vector("vd", DType::F64),
    ];
    let t = f.add_tree(dir, "t", "demo tree", specs)?;
    for chunk in 0..5 {
        let n = 250usize;
        let idx: Vec<usize> = (chunk * n..(chunk + 1) * n).collect();
        let counts: Vec<u32> = idx.iter().map(|i| (i % 4) as u32).collect();
        let offsets: Vec<u32> = std::iter::once(0)
            .chain(counts.iter().scan(0, |s, c| {
                *s += c;
                Some(*s)
            }))
            .collect();
        let total = *offsets.last().unwrap() as usize;
        let list = |v: Values| Array::List {
            offsets: offsets.clone().into(),
            content: Box::new(Array::Flat(v)),
        };
        f.fill(
            t,
            &[
                Array::Flat(Values::F64(idx.iter().map(|&i| i as f64 * 0.5).collect())),
                Array::Flat(Values::I32(idx.iter().map(|&i| i as i32 - 500).collect())),
                Array::Flat(Values::U32(idx.iter().map(|&i| i as u32 * 3).collect())),
                Array::Flat(Values::Bool(idx.iter().map(|&i| i % 3 == 0).collect())),
                Array::List {
                    offsets: (0..=n as u32).map(|k| k * 3).collect::<Vec<_>>().into(),
                    content: Box::new(Array::Flat(Values::F32(
                        (0..3 * n).map(|k| k as f32).collect(),
                    ))),
                },
                Array::Flat(Values::I32(counts.iter().map(|&c| c as i32).collect())),
                list(Values::F32((0..total).map(|k| k as f32 + 0.25).collect())),
                list(Values::I32((0..total).map(|k| k as i32).collect())),
                list(Values::F64((0..total).map(|k| k as f64 * 1.5).collect())),
            ],
        )?;
    }
    let h = Histogram {
        class: "TH1D".into(),
        name: "h1".into(),
        title: "a histogram".into(),
        axes: vec![Axis {
            title: "m [GeV]".into(),
            edges: (0..=10).map(|i| i as f64 * 10.0).collect(),
        }],
        values: (0..12).map(|i| i as f64).collect(),
        errors: vec![],
        sumw2: (0..12).map(|i| i as f64 * 0.5).collect(),
        entries: 66.0,
    };
    f.write_histogram(f.root(), &h)?;
    let h2 = Histogram {
        class: "TH2D".into(),
        name: "h2".into(),
        title: "two".into(),
        axes: vec![
            Axis {
                title: "x".into(),
                edges: vec![0.0, 1.0, 3.0],
            },
            Axis {
                title: "y".into(),
                edges: vec![0.0, 1.0, 2.0, 3.0],
            },
        ],
        values: (0..20).map(|i| i as f64).collect(),
        errors: vec![],
        sumw2: (0..20).map(|i| i as f64).collect(),
        entries: 190.0,
    };
    let hd = f.mkdirs("hists")?;
    f.write_histogram(hd, &h2)?;
    f.close()?;
    Ok(())
}
