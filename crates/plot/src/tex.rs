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
    use super::tex_to_unicode;

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
