//! `$(( ... ))`: integer arithmetic with variables, as bash evaluates it (64-bit, wrapping).

/// Evaluates an arithmetic expression; `lookup` gives a variable's text.
pub fn eval(src: &str, lookup: &dyn Fn(&str) -> String) -> Result<i64, String> {
    let toks = tokens(src)?;
    let mut p = P {
        toks,
        i: 0,
        lookup,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(0);
    }
    let v = p.expr(0)?;
    match p.toks.get(p.i) {
        None => Ok(v),
        Some(t) => Err(format!(
            "syntax error in expression (error token is \"{t}\")"
        )),
    }
}

fn tokens(src: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.push(chars.get(start..i).unwrap_or_default().iter().collect());
        } else {
            let two: String = chars.get(i..i + 2).unwrap_or_default().iter().collect();
            if ["==", "!=", "<=", ">=", "&&", "||", "**", "<<", ">>"].contains(&two.as_str()) {
                out.push(two);
                i += 2;
            } else if "+-*/%()<>!".contains(c) {
                out.push(c.to_string());
                i += 1;
            } else {
                return Err(format!(
                    "syntax error: operand expected (error token is \"{c}\")"
                ));
            }
        }
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<String>,
    i: usize,
    lookup: &'a dyn Fn(&str) -> String,
    depth: usize,
}

fn prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" => 3,
        "<" | ">" | "<=" | ">=" => 4,
        "<<" | ">>" => 5,
        "+" | "-" => 6,
        "*" | "/" | "%" => 7,
        "**" => 8,
        _ => return None,
    })
}

impl P<'_> {
    fn expr(&mut self, min: u8) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("expression recursion level exceeded".into());
        }
        let mut lhs = self.unary()?;
        while let Some(op) = self.toks.get(self.i).cloned() {
            let Some(pr) = prec(&op) else { break };
            if pr < min {
                break;
            }
            self.i += 1;
            let rhs = self.expr(if op == "**" { pr } else { pr + 1 })?;
            lhs = match op.as_str() {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                ">" => i64::from(lhs > rhs),
                "<=" => i64::from(lhs <= rhs),
                ">=" => i64::from(lhs >= rhs),
                "<<" => lhs.wrapping_shl(rhs as u32),
                ">>" => lhs.wrapping_shr(rhs as u32),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" if rhs == 0 => return Err("division by 0 (error token is \"0\")".into()),
                "/" => lhs.wrapping_div(rhs),
                "%" => lhs.wrapping_rem(rhs),
                _ => lhs.wrapping_pow(rhs.clamp(0, 64) as u32),
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        let Some(t) = self.toks.get(self.i).cloned() else {
            return Err("syntax error: operand expected".into());
        };
        self.i += 1;
        self.depth += 1;
        if self.depth > 200 {
            return Err("expression recursion level exceeded".into());
        }
        let v = self.unary_tail(&t);
        self.depth -= 1;
        v
    }

    fn unary_tail(&mut self, t: &str) -> Result<i64, String> {
        match t {
            "-" => Ok(self.unary()?.wrapping_neg()),
            "+" => self.unary(),
            "!" => Ok(i64::from(self.unary()? == 0)),
            "(" => {
                let v = self.expr(0)?;
                if self.toks.get(self.i).map(String::as_str) != Some(")") {
                    return Err("missing `)'".into());
                }
                self.i += 1;
                Ok(v)
            }
            _ => {
                if t.starts_with(|c: char| c.is_ascii_digit()) {
                    return t
                        .parse::<i64>()
                        .map_err(|_| format!("value too great for base (error token is \"{t}\")"));
                }
                let name = t.trim_start_matches('$');
                let v = (self.lookup)(name);
                Ok(v.trim().parse::<i64>().unwrap_or(0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_follows_precedence() {
        let vars = |n: &str| {
            if n == "x" {
                "4".to_string()
            } else {
                String::new()
            }
        };
        assert_eq!(eval("1 + 2 * 3", &vars), Ok(7));
        assert_eq!(eval("(1 + 2) * x", &vars), Ok(12));
        assert_eq!(eval("$x % 3 == 1", &vars), Ok(1));
        assert_eq!(eval("2 ** 10", &vars), Ok(1024));
        assert!(eval("1 / 0", &vars).is_err());
        assert!(eval("((((", &vars).is_err());
    }
}
