//! Adversarial bucket policies: the shapes that make exact coverage expensive (many Deny
//! statements whose `NotResource`/`Resource` lists are wildcards with several `*`, action groups,
//! `NotAction`, `NotPrincipal`, condition variants), generated deterministically from a seed so a
//! benchmark, a property test and a person reproducing a slow scan all see the same policy.
//!
//! Shared by `tests/policy_props.rs`, `benches/policy.rs` and `examples/adversarial.rs`
//! (`#[path]`-included there).

#![allow(dead_code)]

use serde_json::{Value, json};

/// S3's limit on a bucket policy's size.
pub const BUCKET_POLICY_LIMIT: usize = 20 * 1024;

/// A small deterministic generator (xorshift64*): no dependency, same output everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Which element a statement uses for resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceMix {
    /// Every statement uses `NotResource`.
    NotResource,
    /// Every statement uses `Resource`.
    Resource,
    /// Either, at random.
    Mixed,
}

/// The shape of an adversarial policy.
#[derive(Clone, Debug)]
pub struct Shape {
    pub seed: u64,
    /// The bucket the policy is judged for (patterns are built around its name).
    pub bucket: String,
    pub statements: usize,
    /// Resource patterns per statement.
    pub patterns: usize,
    /// `*` wildcards in each pattern's key part.
    pub stars: usize,
    /// Letters the literal parts of key patterns are drawn from (fewer = more overlap).
    pub letters: &'static str,
    pub resources: ResourceMix,
    /// Percent of statements with `NotAction` instead of an `Action` group.
    pub not_action: usize,
    /// Percent of statements with `NotPrincipal` instead of `"*"`.
    pub not_principal: usize,
    /// Most principals one `NotPrincipal` names (each a principal class of its own).
    pub principals: usize,
    /// Percent of statements with a condition the analyzer cannot decide (`aws:SourceVpce`).
    pub conditional: usize,
    /// Percent of statements that vary the transport condition (`BoolIfExists`, `Null`,
    /// `NumericLessThan s3:TlsVersion`, JSON booleans).
    pub condition_variants: usize,
    /// Stop adding statements before the JSON text grows past this many bytes.
    pub max_bytes: usize,
}

impl Shape {
    /// The reviewer's reproduction: 36 Deny statements, each with an action group and 10
    /// `NotResource` wildcards, 17.9 KB.
    pub fn reviewer() -> Shape {
        Shape {
            seed: 1,
            bucket: "example-bucket".to_string(),
            statements: 36,
            patterns: 10,
            stars: 4,
            letters: "abc",
            resources: ResourceMix::NotResource,
            not_action: 0,
            not_principal: 0,
            principals: 2,
            conditional: 0,
            condition_variants: 0,
            max_bytes: 18_400,
        }
    }

    /// The random shape `examples/adversarial.rs hunt` tries for `seed`: anything up to S3's
    /// limit.
    pub fn hunt(seed: u64) -> Shape {
        let mut r = Rng::new(seed ^ 0xA5A5);
        let mixes = [
            ResourceMix::NotResource,
            ResourceMix::Resource,
            ResourceMix::Mixed,
        ];
        let letters = ["ab", "abc", "abcd", "xyz"];
        Shape {
            seed,
            bucket: "bucket".to_string(),
            statements: 1 + r.below(150),
            patterns: 1 + r.below(20),
            stars: 1 + r.below(8),
            letters: letters[r.below(letters.len())],
            resources: mixes[r.below(mixes.len())],
            not_action: r.below(60),
            not_principal: r.below(40),
            principals: 1 + r.below(40),
            conditional: r.below(60),
            condition_variants: r.below(60),
            max_bytes: BUCKET_POLICY_LIMIT,
        }
    }

    /// A mid-size policy of the kind the 40-bucket snapshot holds (about 7.5 KB).
    pub fn snapshot_bucket(seed: u64, bucket: &str) -> Shape {
        Shape {
            seed,
            bucket: bucket.to_string(),
            statements: 15,
            patterns: 10,
            max_bytes: 7_700,
            ..Shape::reviewer()
        }
    }
}

const ACTION_GROUPS: &[&[&str]] = &[
    &["s3:Get*", "s3:List*"],
    &["s3:Put*", "s3:Delete*"],
    &["s3:*Object*"],
    &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    &["s3:*Bucket*", "s3:List*"],
    &["s3:*"],
    &["s3:?et*", "s3:*Tagging"],
    &["s3:*Configuration", "s3:Get*"],
];

const NOT_ACTIONS: &[&[&str]] = &[
    &["s3:GetObject"],
    &["s3:Get*", "s3:List*"],
    &["iam:*"],
    &["s3:*Acl", "s3:PutObject*"],
];

const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:root",
    "444455556666",
    "arn:aws:iam::777788889999:role/etl",
];

/// A bucket-name part that still matches `bucket`: the name itself, or globs over its letters.
fn bucket_part(rng: &mut Rng, bucket: &str) -> String {
    let chars: Vec<char> = bucket.chars().collect();
    match rng.below(6) {
        0 => bucket.to_string(),
        1 => "*".to_string(),
        2 if chars.len() >= 3 => format!(
            "{}*{}*{}",
            chars[0],
            chars[chars.len() / 2],
            chars[chars.len() - 1]
        ),
        3 if chars.len() >= 2 => format!("{}*", chars[0]),
        4 if chars.len() >= 2 => format!("*{}", chars[chars.len() - 1]),
        _ => {
            // Replace one letter by `?`.
            let i = rng.below(chars.len().max(1));
            chars
                .iter()
                .enumerate()
                .map(|(j, c)| if j == i { '?' } else { *c })
                .collect()
        }
    }
}

/// A key glob with `stars` `*` separating short literal runs: `*a*b*c*`, `x?y*a*`, ...
fn key_part(rng: &mut Rng, stars: usize, letters: &str) -> String {
    let letters: Vec<char> = letters.chars().collect();
    let mut out = String::new();
    if rng.chance(70) {
        out.push('*');
    }
    for i in 0..stars.max(1) {
        let run = 1 + rng.below(2);
        for _ in 0..run {
            if rng.chance(10) {
                out.push('?');
            } else {
                out.push(*rng.pick(&letters));
            }
        }
        if i + 1 < stars || rng.chance(60) {
            out.push('*');
        }
    }
    out
}

fn pattern(rng: &mut Rng, shape: &Shape) -> String {
    let partition = if rng.chance(10) { "*" } else { "aws" };
    format!(
        "arn:{partition}:s3:::{}/{}",
        bucket_part(rng, &shape.bucket),
        key_part(rng, shape.stars, shape.letters)
    )
}

fn condition(rng: &mut Rng, shape: &Shape) -> Value {
    let mut cond = if rng.chance(shape.condition_variants) {
        match rng.below(5) {
            0 => json!({"BoolIfExists": {"aws:SecureTransport": "false"}}),
            1 => json!({"Bool": {"aws:SecureTransport": false}}),
            2 => json!({"Null": {"s3:TlsVersion": "true"}}),
            3 => json!({"NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}}),
            _ => json!({"Bool": {"aws:securetransport": ["false"]}}),
        }
    } else {
        json!({"Bool": {"aws:SecureTransport": "false"}})
    };
    if rng.chance(shape.conditional) {
        cond.as_object_mut().expect("an object").insert(
            "StringNotEquals".into(),
            json!({"aws:SourceVpce": format!("vpce-{:08x}", rng.next() as u32)}),
        );
    }
    cond
}

fn statement(rng: &mut Rng, shape: &Shape, i: usize) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("Sid".into(), json!(format!("DenyInsecureTransport{i}")));
    m.insert("Effect".into(), json!("Deny"));
    if rng.chance(shape.not_principal) {
        let n = 1 + rng.below(shape.principals.max(1));
        let who: Vec<String> = (0..n)
            .map(|_| {
                if rng.chance(50) {
                    rng.pick(PRINCIPALS).to_string()
                } else {
                    format!(
                        "arn:aws:iam::{:012}:role/r{}",
                        rng.below(1_000_000_000_000),
                        rng.below(100)
                    )
                }
            })
            .collect();
        m.insert("NotPrincipal".into(), json!({"AWS": who}));
    } else {
        m.insert("Principal".into(), json!("*"));
    }
    if rng.chance(shape.not_action) {
        m.insert("NotAction".into(), json!(rng.pick(NOT_ACTIONS)));
    } else {
        m.insert("Action".into(), json!(rng.pick(ACTION_GROUPS)));
    }
    let patterns: Vec<String> = (0..shape.patterns).map(|_| pattern(rng, shape)).collect();
    let negated = match shape.resources {
        ResourceMix::NotResource => true,
        ResourceMix::Resource => false,
        ResourceMix::Mixed => rng.chance(50),
    };
    m.insert(
        if negated { "NotResource" } else { "Resource" }.into(),
        json!(patterns),
    );
    m.insert("Condition".into(), condition(rng, shape));
    Value::Object(m)
}

/// The policy for `shape`, as compact JSON text no longer than `shape.max_bytes` (at least one
/// statement is kept).
pub fn policy(shape: &Shape) -> String {
    let mut rng = Rng::new(shape.seed);
    let mut statements: Vec<Value> = Vec::new();
    let mut text = String::new();
    for i in 0..shape.statements {
        statements.push(statement(&mut rng, shape, i));
        let next = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        if next.len() > shape.max_bytes && statements.len() > 1 {
            statements.pop();
            break;
        }
        text = next;
    }
    text
}
