//! Workspace digests as pyhf computes them: `hashlib.<alg>(json.dumps(spec,
//! sort_keys=True, ensure_ascii=False).encode("utf8")).hexdigest()`.
//! The serialisation below reproduces Python's `json.dumps` byte for byte.

use md5::Md5;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Python `json.dumps(value, sort_keys=True, ensure_ascii=False)`.
pub fn python_json_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out, &mut String::new());
    out
}

/// Hex digest of a JSON document with the given algorithm (`sha256` or `md5`).
pub fn digest(value: &Value, algorithm: &str) -> Option<String> {
    let text = python_json_dumps(value);
    let bytes = match algorithm {
        "sha256" => Sha256::digest(text.as_bytes()).to_vec(),
        "md5" => Md5::digest(text.as_bytes()).to_vec(),
        _ => return None,
    };
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `scratch` is reused for every number: a digest of a large workspace formats millions of them,
/// and an allocation or two each was most of its time.
fn write_value(v: &Value, out: &mut String, scratch: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                push_python_float(n.as_f64().unwrap_or(f64::NAN), out, scratch);
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(x, out, scratch);
            }
            out.push(']');
        }
        Value::Object(m) => {
            // Python sorts str keys by code point; Rust's str order (UTF-8 bytes) is the same.
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(k, out);
                out.push_str(": ");
                write_value(&m[k.as_str()], out, scratch);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: shortest round-trip digits, positional when the decimal
/// exponent is in [-4, 16), scientific (`1e-05`, `1.5e+16`) otherwise.
pub fn python_float_repr(x: f64) -> String {
    let mut out = String::new();
    push_python_float(x, &mut out, &mut String::new());
    out
}

/// [`python_float_repr`] appended to `out`; `scratch` holds the digits on the way.
fn push_python_float(x: f64, out: &mut String, scratch: &mut String) {
    use std::fmt::Write;
    if x.is_nan() {
        return out.push_str("NaN");
    }
    if x.is_infinite() {
        return out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
    }
    if x == 0.0 {
        return out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde-5".
    scratch.clear();
    let _ = write!(scratch, "{:e}", x.abs());
    let at = scratch.find('e').expect("exponent");
    let exp: i32 = scratch[at + 1..].parse().expect("exponent digits");
    scratch.truncate(at);
    scratch.retain(|c| c != '.');
    tie_to_even(x.abs(), exp, scratch);
    let digits = scratch.as_str();
    if x < 0.0 {
        out.push('-');
    }
    let n = digits.len() as i32;
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            if n > exp + 1 {
                out.push_str(&digits[..(exp + 1) as usize]);
                out.push('.');
                out.push_str(&digits[(exp + 1) as usize..]);
            } else {
                out.push_str(digits);
                out.extend(std::iter::repeat_n('0', (exp + 1 - n) as usize));
                out.push_str(".0");
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if n > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{esign}{:02}", exp.abs());
    }
}

/// When the exact binary value lies exactly halfway between two shortest decimal
/// candidates, Python (David Gay's dtoa) picks the even last digit; Rust may pick the
/// other. Both round-trip, so switch to the even one.
fn tie_to_even(x: f64, exp: i32, digits: &mut String) {
    let k = digits.len();
    // Cheap exits before the 60-digit expansion (most of a digest's time otherwise):
    // a tie needs x = D·10^q exactly for an integer D of k+1 digits, q = exp − k. An
    // integer below 2^53 has its exact digits as shortest form; for q < 0, x = m·2^e
    // (m odd) is such a decimal only if e ≥ q.
    if x.fract() == 0.0 && x < 9_007_199_254_740_992.0 {
        return;
    }
    let q = exp - k as i32;
    if q < 0 {
        let bits = x.to_bits();
        let (mant, be) = (bits & ((1u64 << 52) - 1), ((bits >> 52) & 0x7ff) as i32);
        let (m, e) = if be == 0 {
            (mant, -1074)
        } else {
            (mant | (1u64 << 52), be - 1075)
        };
        if m != 0 && e + (m.trailing_zeros() as i32) < q {
            return;
        }
    }
    let exact = format!("{:.60e}", x);
    let (m, e) = exact.split_once('e').expect("exponent");
    if e.parse::<i32>().ok() != Some(exp) {
        return;
    }
    let all: Vec<u8> = m.bytes().filter(|c| *c != b'.').collect();
    if all.len() <= k + 1 || all[k] != b'5' || all[k + 1..].iter().any(|&c| c != b'0') {
        return;
    }
    let last = digits.as_bytes()[k - 1] - b'0';
    if last.is_multiple_of(2) {
        return;
    }
    // The candidates are the truncation L (= all[..k]) and L + 1 ulp of the last digit.
    let lower: String = all[..k].iter().map(|&c| c as char).collect();
    let candidate = if *digits == lower {
        increment(&lower)
    } else {
        Some(lower)
    };
    if let Some(c) = candidate {
        if c.len() == k {
            let text = if k == 1 {
                format!("{c}e{exp}")
            } else {
                format!("{}.{}e{}", &c[..1], &c[1..], exp)
            };
            if text.parse::<f64>().ok() == Some(x) {
                *digits = c;
            }
        }
    }
}

fn increment(d: &str) -> Option<String> {
    let mut b: Vec<u8> = d.bytes().collect();
    for i in (0..b.len()).rev() {
        if b[i] == b'9' {
            b[i] = b'0';
        } else {
            b[i] += 1;
            return String::from_utf8(b).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (1e5, "100000.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (-0.0, "-0.0"),
            (123.456, "123.456"),
            (-2.5e-7, "-2.5e-07"),
            (1.2345678901234567e20, "1.2345678901234567e+20"),
            (0.5907363891601562, "0.5907363891601562"),
        ];
        for (x, s) in cases {
            assert_eq!(python_float_repr(x), s, "{x}");
        }
    }

    #[test]
    fn dumps_matches_python_layout() {
        let v: Value =
            serde_json::from_str(r#"{"b": [1, 2.0, "x\u00e9\n"], "a": {"d": null, "c": true}}"#)
                .unwrap();
        assert_eq!(
            python_json_dumps(&v),
            "{\"a\": {\"c\": true, \"d\": null}, \"b\": [1, 2.0, \"x\u{e9}\\n\"]}"
        );
    }
}
