//! The order go-yaml v2 writes map keys in.

use std::cmp::Ordering;

use serde_json::Value;

/// go-yaml's key order: like byte order, except that runs of digits compare as numbers and that
/// non-letters sort before letters.
fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_go_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_go_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_go_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Sorts entries by go-yaml's key order with a merge sort that tolerates any comparison result.
pub(super) fn sort_keys(entries: &mut Vec<(String, &Value)>) {
    let cmp = |a: &str, b: &str| {
        if key_less(a, b) {
            Ordering::Less
        } else if key_less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    };
    let mut items: Vec<(String, &Value)> = std::mem::take(entries);
    let mut width = 1;
    while width < items.len() {
        let mut merged = Vec::with_capacity(items.len());
        let mut chunks = items.into_iter().peekable();
        loop {
            let left: Vec<_> = chunks.by_ref().take(width).collect();
            if left.is_empty() {
                break;
            }
            let right: Vec<_> = chunks.by_ref().take(width).collect();
            let mut l = left.into_iter().peekable();
            let mut r = right.into_iter().peekable();
            loop {
                let take_left = match (l.peek(), r.peek()) {
                    (Some(x), Some(y)) => cmp(&x.0, &y.0) != Ordering::Greater,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                let next = if take_left { l.next() } else { r.next() };
                merged.extend(next);
            }
        }
        items = merged;
        width *= 2;
    }
    *entries = items;
}
