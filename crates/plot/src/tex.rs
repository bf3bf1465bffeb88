//! A little of LaTeX math in labels, as written in cabinetry configs and mplhep scripts
//! (`$m_{\mu\mu}$ [GeV]`, `$H_T$`, `fb$^{-1}$`), turned into Unicode text that the embedded font draws.
//!
//! Supported: `$` delimiters (dropped), Greek letters and a few symbols (`\mu`, `\ell`, `\gamma`, `\to`,
//! `\sqrt`, `\pm`, `\times`), sub- and superscripts `_x`, `_{...}`, `^x`, `^{...}` with Unicode sub/superscript
//! characters where every character has one (otherwise the text is kept, without braces). Anything else
//! passes through unchanged, so plain labels are never altered.

const SYMBOLS: &[(&str, &str)] = &[
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("Gamma", "Γ"),
    ("delta", "δ"),
    ("Delta", "Δ"),
    ("epsilon", "ε"),
    ("eta", "η"),
    ("theta", "θ"),
    ("lambda", "λ"),
    ("mu", "μ"),
    ("nu", "ν"),
    ("pi", "π"),
    ("rho", "ρ"),
    ("sigma", "σ"),
    ("Sigma", "Σ"),
    ("tau", "τ"),
    ("phi", "φ"),
    ("chi", "χ"),
    ("omega", "ω"),
    ("ell", "ℓ"),
    ("to", "→"),
    ("rightarrow", "→"),
    ("pm", "±"),
    ("times", "×"),
    ("sqrt", "√"),
    ("geq", "≥"),
    ("leq", "≤"),
    ("infty", "∞"),
];

fn sub(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => char::from_u32('₀' as u32 + (c as u32 - '0' as u32))?,
        '+' => '₊',
        '-' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        'a' => 'ₐ',
        'e' => 'ₑ',
        'o' => 'ₒ',
        'x' => 'ₓ',
        'h' => 'ₕ',
        'k' => 'ₖ',
        'l' => 'ₗ',
        'm' => 'ₘ',
        'n' => 'ₙ',
        'p' => 'ₚ',
        's' => 'ₛ',
        't' => 'ₜ',
        'i' => 'ᵢ',
        'j' => 'ⱼ',
        'r' => 'ᵣ',
        'u' => 'ᵤ',
        'v' => 'ᵥ',
        'γ' => 'ᵧ',
        'ρ' => 'ᵨ',
        'φ' => 'ᵩ',
        'χ' => 'ᵪ',
        'β' => 'ᵦ',
        _ => return None,
    })
}

fn sup(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4'..='9' => char::from_u32('⁴' as u32 + (c as u32 - '4' as u32))?,
        '+' => '⁺',
        '-' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'n' => 'ⁿ',
        'i' => 'ⁱ',
        _ => return None,
    })
}

/// Converts the LaTeX bits of a label to Unicode; text without `$`, `\`, `_{`, `^` is returned as is.
pub fn tex_to_unicode(s: &str) -> String {
    if !s.contains('$') {
        return s.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut k = 0;
    let mut math = false;
    while k < chars.len() {
        let c = chars[k];
        if c == '$' {
            math = !math;
            k += 1;
            continue;
        }
        if !math {
            out.push(c);
            k += 1;
            continue;
        }
        match c {
            '\\' => {
                let start = k + 1;
                let mut end = start;
                while end < chars.len() && chars[end].is_ascii_alphabetic() {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                match SYMBOLS.iter().find(|(n, _)| *n == name) {
                    Some((_, u)) => out.push_str(u),
                    None if name.is_empty() && end < chars.len() => {
                        // Escaped character such as `\%` or `\,` (thin space).
                        out.push(if chars[end] == ',' { ' ' } else { chars[end] });
                        end += 1;
                    }
                    None => out.push_str(&name),
                }
                k = end;
            }
            '_' | '^' => {
                let (group, next) = read_group(&chars, k + 1);
                let group = tex_to_unicode(&format!("${group}$"));
                let map = if c == '_' { sub } else { sup };
                match group.chars().map(map).collect::<Option<String>>() {
                    Some(converted) => out.push_str(&converted),
                    None => out.push_str(&group),
                }
                k = next;
            }
            '{' | '}' => k += 1,
            '~' => {
                out.push(' ');
                k += 1;
            }
            _ => {
                out.push(c);
                k += 1;
            }
        }
    }
    out
}

/// Where a piece of a typeset label sits relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Base,
    /// Smaller glyphs below the baseline.
    Sub,
    /// Smaller glyphs above the baseline.
    Sup,
}

/// A piece of a typeset label: text in one position, optionally with a bar over it (t̄).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub place: Place,
    pub overline: bool,
}

impl Run {
    fn new(text: impl Into<String>, place: Place, overline: bool) -> Self {
        Self {
            text: text.into(),
            place,
            overline,
        }
    }
}

/// Splits a label into runs drawn as base text, subscripts and superscripts with smaller shifted glyphs.
///
/// Inside `$...$`: `_x`, `_{...}`, `^x`, `^{...}`, `\bar{x}`, `\overline{xy}` and the symbols of
/// [`tex_to_unicode`]. Outside: `p_T`, `m_{bjj}`, `E_T^{miss}` are sub/superscripts only after a one- or
/// two-letter symbol and when the script is one character ending the word or a braced group, so names
/// such as `single_top` or `m_yy` stay as written. A combining macron or overline (U+0304, U+0305)
/// puts a bar over the run of equal letters before it (`tt̄`: one bar over both t).
pub fn typeset(s: &str) -> Vec<Run> {
    let chars: Vec<char> = s.chars().collect();
    let mut runs: Vec<Run> = Vec::new();
    let mut base = String::new();
    let flush = |base: &mut String, runs: &mut Vec<Run>| {
        if !base.is_empty() {
            runs.push(Run::new(std::mem::take(base), Place::Base, false));
        }
    };
    let mut k = 0;
    let mut math = false;
    while k < chars.len() {
        let c = chars[k];
        // A `$` opens math only when another one closes it ("costs $5" stays text).
        if c == '$' && (math || chars[k + 1..].contains(&'$')) {
            math = !math;
            k += 1;
            continue;
        }
        if c == '\u{304}' || c == '\u{305}' {
            // Bar over the equal letters just before (tt̄ → one bar over "tt").
            let mut chars_before: Vec<char> = base.chars().collect();
            if let Some(&last) = chars_before.last() {
                let mut n = 0;
                while n < chars_before.len() && chars_before[chars_before.len() - 1 - n] == last {
                    n += 1;
                }
                let barred: String = chars_before
                    .split_off(chars_before.len() - n)
                    .into_iter()
                    .collect();
                base = chars_before.into_iter().collect();
                flush(&mut base, &mut runs);
                runs.push(Run::new(barred, Place::Base, true));
            }
            k += 1;
            continue;
        }
        let after_script = base.is_empty() && runs.last().is_some_and(|r| r.place != Place::Base);
        if (c == '_' || c == '^') && (math || script_allowed(&chars, k, after_script)) {
            let (group, next) = read_group(&chars, k + 1);
            if !group.is_empty() {
                flush(&mut base, &mut runs);
                let place = if c == '_' { Place::Sub } else { Place::Sup };
                let text = tex_to_unicode(&format!("${group}$"));
                runs.push(Run::new(text, place, false));
                k = next;
                continue;
            }
        }
        if math && c == '\\' {
            let start = k + 1;
            let mut end = start;
            while end < chars.len() && chars[end].is_ascii_alphabetic() {
                end += 1;
            }
            let name: String = chars[start..end].iter().collect();
            if (name == "bar" || name == "overline") && chars.get(end) == Some(&'{') {
                let (group, next) = read_group(&chars, end);
                flush(&mut base, &mut runs);
                runs.push(Run::new(
                    tex_to_unicode(&format!("${group}$")),
                    Place::Base,
                    true,
                ));
                k = next;
                continue;
            }
            // A symbol (\mu), or an escaped character (\%) when no letters follow.
            let end = end.max(k + 2).min(chars.len());
            let command: String = chars[k..end].iter().collect();
            base.push_str(&tex_to_unicode(&format!("${command}$")));
            k = end;
            continue;
        }
        if math && (c == '{' || c == '}') {
            k += 1;
            continue;
        }
        if math && c == '~' {
            base.push(' ');
        } else {
            base.push(c);
        }
        k += 1;
    }
    flush(&mut base, &mut runs);
    runs
}

/// Outside `$...$`: whether the `_` or `^` at `k` starts a script (see [`typeset`]); `after_script`
/// says the text just before is itself a script (`E_T^{miss}`).
fn script_allowed(chars: &[char], k: usize, after_script: bool) -> bool {
    if !after_script {
        // A one- or two-letter symbol starting a word (p_T, m_H, E_T).
        let mut start = k;
        while start > 0 && chars[start - 1].is_alphanumeric() {
            start -= 1;
        }
        let word_start =
            start == 0 || !(chars[start - 1].is_alphanumeric() || chars[start - 1] == '_');
        if !(1..=2).contains(&(k - start)) || !word_start {
            return false;
        }
    }
    match chars.get(k + 1) {
        Some('{') => chars[k + 1..].contains(&'}'),
        // One character ending the word (or followed by the other script).
        Some(c) if c.is_alphanumeric() => chars
            .get(k + 2)
            .is_none_or(|n| !n.is_alphanumeric() && *n != '_'),
        _ => false,
    }
}

/// The text of a typeset label without positions (for sizes and plain-text output).
pub fn plain(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// The argument of `_` or `^`: a braced group or one character (or one `\command`).
fn read_group(chars: &[char], at: usize) -> (String, usize) {
    if at >= chars.len() {
        return (String::new(), at);
    }
    if chars[at] == '{' {
        let mut depth = 0;
        for (j, &c) in chars.iter().enumerate().skip(at) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return (chars[at + 1..j].iter().collect(), j + 1);
                    }
                }
                _ => {}
            }
        }
        return (chars[at + 1..].iter().collect(), chars.len());
    }
    if chars[at] == '\\' {
        let mut end = at + 1;
        while end < chars.len() && chars[end].is_ascii_alphabetic() {
            end += 1;
        }
        return (chars[at..end].iter().collect(), end);
    }
    (chars[at].to_string(), at + 1)
}

#[cfg(test)]
mod tests {
    use super::{plain, tex_to_unicode, typeset, Place, Run};

    fn runs(s: &str) -> Vec<(String, Place, bool)> {
        typeset(s)
            .into_iter()
            .map(
                |Run {
                     text,
                     place,
                     overline,
                 }| (text, place, overline),
            )
            .collect()
    }

    fn b(s: &str) -> (String, Place, bool) {
        (s.into(), Place::Base, false)
    }

    fn sub(s: &str) -> (String, Place, bool) {
        (s.into(), Place::Sub, false)
    }

    #[test]
    fn scripts_in_plain_labels() {
        assert_eq!(runs("p_T [GeV]"), vec![b("p"), sub("T"), b(" [GeV]")]);
        assert_eq!(runs("m_{bjj} [GeV]"), vec![b("m"), sub("bjj"), b(" [GeV]")]);
        assert_eq!(runs("H_T [GeV]"), vec![b("H"), sub("T"), b(" [GeV]")]);
        assert_eq!(
            runs("H → γγ (m_H = 125 GeV)"),
            vec![b("H → γγ (m"), sub("H"), b(" = 125 GeV)")]
        );
        assert_eq!(
            runs("E_T^{miss}"),
            vec![b("E"), sub("T"), ("miss".into(), Place::Sup, false)]
        );
        assert_eq!(runs("10 fb^{-1}")[1], ("-1".into(), Place::Sup, false));
        // Names with underscores stay as written.
        for name in [
            "single_top",
            "m_yy",
            "lep_pt_0",
            "W+jets",
            "snake_case_name",
            "a_b_c",
        ] {
            assert_eq!(runs(name), vec![b(name)], "{name}");
        }
        assert_eq!(plain(&typeset("m_{bjj} [GeV]")), "mbjj [GeV]");
    }

    #[test]
    fn scripts_and_bars_in_math() {
        assert_eq!(
            runs("$m_{\\mu\\mu}$ [GeV]"),
            vec![b("m"), sub("μμ"), b(" [GeV]")]
        );
        assert_eq!(runs("$m_{12}$"), vec![b("m"), sub("12")]);
        assert_eq!(
            runs("$t\\bar{t}$"),
            vec![b("t"), ("t".into(), Place::Base, true)]
        );
        assert_eq!(runs("$\\sqrt{s}$"), vec![b("√s")]);
        assert_eq!(runs("costs $5"), vec![b("costs $5")]);
    }

    #[test]
    fn combining_bar_spans_equal_letters() {
        assert_eq!(runs("tt\u{304}"), vec![("tt".into(), Place::Base, true)]);
        assert_eq!(
            runs("tt\u{304} + jets"),
            vec![("tt".into(), Place::Base, true), b(" + jets")]
        );
        assert_eq!(
            runs("Wb\u{304}"),
            vec![b("W"), ("b".into(), Place::Base, true)]
        );
    }

    #[test]
    fn common_labels() {
        assert_eq!(tex_to_unicode("$m_{\\mu\\mu}$ [GeV]"), "mμμ [GeV]");
        assert_eq!(tex_to_unicode("$H_T$ [GeV]"), "HT [GeV]");
        assert_eq!(tex_to_unicode("$m_{bjj}$ [GeV]"), "mbjj [GeV]");
        assert_eq!(tex_to_unicode("$p_{t}$"), "pₜ");
        assert_eq!(tex_to_unicode("10 fb$^{-1}$"), "10 fb⁻¹");
        assert_eq!(tex_to_unicode("$H \\to \\gamma\\gamma$"), "H → γγ");
        assert_eq!(tex_to_unicode("$m_{4\\ell}$"), "m4ℓ");
        assert_eq!(tex_to_unicode("$m_{12}$"), "m₁₂");
        assert_eq!(tex_to_unicode("$E_{T}^{miss}$"), "ETmiss");
        assert_eq!(
            tex_to_unicode("plain_text with ^ and {braces}"),
            "plain_text with ^ and {braces}"
        );
        assert_eq!(tex_to_unicode("$\\sqrt{s}$ = 13 TeV"), "√s = 13 TeV");
    }
}
