//! Events accumulated column by column for one file of the 2020 format.

use crate::format2020::{Kind, BRANCHES};
use hepkey_root::DType;
use hepkey_root::{Array, Values};

/// One branch's data.
enum Col {
    Scalar(Values),
    Vector { offsets: Vec<u32>, values: Values },
}

/// The columns of a chunk of events, in the format's branch order.
pub struct Columns {
    cols: Vec<Col>,
    index: std::collections::HashMap<&'static str, usize>,
    events: usize,
}

/// Values a generator pushes.
pub trait Push {
    fn push_into(self, v: &mut Values);
}

macro_rules! push_impl {
    ($t:ty, $variant:ident) => {
        impl Push for $t {
            fn push_into(self, v: &mut Values) {
                match v {
                    Values::$variant(x) => x.push(self),
                    other => panic!(
                        "a {} pushed into a {} column",
                        stringify!($t),
                        other.dtype()
                    ),
                }
            }
        }
    };
}
push_impl!(f32, F32);
push_impl!(i32, I32);
push_impl!(u32, U32);
push_impl!(bool, Bool);

impl Default for Columns {
    fn default() -> Self {
        Self::new()
    }
}

impl Columns {
    /// Empty columns for every branch of the format.
    pub fn new() -> Columns {
        let cols = BRANCHES
            .iter()
            .map(|(_, k)| match k {
                Kind::Scalar(p) => Col::Scalar(Values::empty(*p)),
                Kind::Vector(p) => Col::Vector {
                    offsets: vec![0],
                    values: Values::empty(*p),
                },
            })
            .collect();
        let index = BRANCHES
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (*n, i))
            .collect();
        Columns {
            cols,
            index,
            events: 0,
        }
    }

    /// Sets a per-event value of the current event.
    pub fn set<T: Push>(&mut self, name: &str, value: T) {
        match &mut self.cols[self.index[name]] {
            Col::Scalar(v) => value.push_into(v),
            Col::Vector { .. } => panic!("{name} is a vector branch"),
        }
    }

    /// Appends one element to a vector branch of the current event.
    pub fn push<T: Push>(&mut self, name: &str, value: T) {
        match &mut self.cols[self.index[name]] {
            Col::Vector { values, .. } => value.push_into(values),
            Col::Scalar(_) => panic!("{name} is a per-event branch"),
        }
    }

    /// Closes the current event: every vector branch gets its offset and
    /// every per-event branch not set gets its default (0, false).
    pub fn end_event(&mut self) {
        self.events += 1;
        for (i, c) in self.cols.iter_mut().enumerate() {
            match c {
                Col::Scalar(v) => {
                    while v.len() < self.events {
                        match BRANCHES[i].1 {
                            Kind::Scalar(DType::F32) => 0.0f32.push_into(v),
                            Kind::Scalar(DType::I32) => 0i32.push_into(v),
                            Kind::Scalar(DType::U32) => 0u32.push_into(v),
                            _ => false.push_into(v),
                        }
                    }
                }
                Col::Vector { offsets, values } => offsets.push(values.len() as u32),
            }
        }
    }

    /// Number of complete events.
    pub fn events(&self) -> usize {
        self.events
    }

    /// The columns as arrays for the writer, leaving these empty.
    pub fn take(&mut self) -> Vec<Array> {
        let out = std::mem::take(self);
        self.events = 0;
        out.cols
            .into_iter()
            .map(|c| match c {
                Col::Scalar(v) => Array::Flat(v),
                Col::Vector { offsets, values } => Array::List {
                    offsets: offsets.into(),
                    content: Box::new(Array::Flat(values)),
                },
            })
            .collect()
    }
}
