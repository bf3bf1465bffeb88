//! File patterns of analysis files matched against the paths the page can fetch: `*` and `?` within
//! one path component, `**` across components, `[a-z]` / `[!x]` classes and `{a,b}` alternatives, as
//! `hepkey run` matches them on disk (globset with a literal separator). Written here rather than
//! taken from globset, whose regex engine would double the page's WebAssembly.

/// Whether `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    expand(pattern).iter().any(|p| {
        let p: Vec<char> = p.chars().collect();
        let s: Vec<char> = path.chars().collect();
        match_here(&p, &s)
    })
}

/// `{a,b}` alternatives expanded into plain patterns (nested braces too).
fn expand(pattern: &str) -> Vec<String> {
    let Some(open) = pattern.find('{') else {
        return vec![pattern.to_string()];
    };
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut start = open + 1;
    for (i, c) in pattern[open..].char_indices().map(|(i, c)| (i + open, c)) {
        match c {
            '{' => depth += 1,
            ',' if depth == 1 => {
                parts.push(&pattern[start..i]);
                start = i + 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    parts.push(&pattern[start..i]);
                    let (head, tail) = (&pattern[..open], &pattern[i + 1..]);
                    return parts
                        .iter()
                        .flat_map(|p| expand(&format!("{head}{p}{tail}")))
                        .collect();
                }
            }
            _ => {}
        }
    }
    // An unclosed brace is a literal character.
    vec![pattern.to_string()]
}

fn match_here(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if p.get(1) == Some(&'*') => {
            // `**/` matches zero or more whole components; a trailing `**` anything.
            let rest = if p.get(2) == Some(&'/') {
                &p[3..]
            } else {
                &p[2..]
            };
            p.len() == 2
                || (0..=s.len()).any(|i| (i == 0 || s[i - 1] == '/') && match_here(rest, &s[i..]))
        }
        Some('*') => {
            let mut i = 0;
            loop {
                if match_here(&p[1..], &s[i..]) {
                    return true;
                }
                if i == s.len() || s[i] == '/' {
                    return false;
                }
                i += 1;
            }
        }
        Some('?') => s.first().is_some_and(|c| *c != '/') && match_here(&p[1..], &s[1..]),
        Some('[') => match (class_end(p), s.first()) {
            (Some(end), Some(c)) if *c != '/' => {
                in_class(&p[1..end], *c) && match_here(&p[end + 1..], &s[1..])
            }
            (Some(_), _) => false,
            (None, Some('[')) => match_here(&p[1..], &s[1..]),
            (None, _) => false,
        },
        Some(c) => s.first() == Some(c) && match_here(&p[1..], &s[1..]),
    }
}

/// The position of the `]` closing a class that opens at `p[0]`.
fn class_end(p: &[char]) -> Option<usize> {
    let mut i = 1;
    if matches!(p.get(i), Some('!' | '^')) {
        i += 1;
    }
    if p.get(i) == Some(&']') {
        i += 1;
    }
    (i..p.len()).find(|&j| p[j] == ']')
}

fn in_class(class: &[char], c: char) -> bool {
    let (negated, class) = match class.first() {
        Some('!' | '^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut found = false;
    let mut i = 0;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            found |= class[i] <= c && c <= class[i + 2];
            i += 3;
        } else {
            found |= class[i] == c;
            i += 1;
        }
    }
    found != negated
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns_of_the_example_analyses() {
        let p = "data/2lep/MC/mc_36349*.ll*.2lep.root";
        assert!(matches(p, "data/2lep/MC/mc_363490.llll.2lep.root"));
        assert!(!matches(p, "data/2lep/MC/mc_361106.Zee.2lep.root"));
        assert!(matches("d/data_*.GamGam.root", "d/data_A.GamGam.root"));
        assert!(
            !matches("d/*.root", "d/sub/x.root"),
            "* stays in its component"
        );
        assert!(matches("d/**/x.root", "d/x.root"));
        assert!(matches("d/**/x.root", "d/a/b/x.root"));
        assert!(!matches("d/**/x.root", "dx.root"));
        assert!(matches("d/**", "d/a/b"));
        assert!(matches("d/data_{A,B}.root", "d/data_B.root"));
        assert!(!matches("d/data_{A,B}.root", "d/data_C.root"));
        assert!(matches("d/data_[A-C].root", "d/data_C.root"));
        assert!(!matches("d/data_[!A-C].root", "d/data_C.root"));
        assert!(matches("d/data_?.root", "d/data_D.root"));
        assert!(!matches("d/data_?.root", "d/data_DD.root"));
        assert!(matches("exact.root", "exact.root"));
        assert!(!matches("exact.root", "exact.root2"));
    }
}
