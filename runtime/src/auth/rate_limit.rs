//! Rate limits of the authorization server's endpoints: a token bucket per key (a client IP,
//! or `user:NAME` for failed sign-ins), in memory (the counters need not survive a restart).
//! A bucket holds up to N tokens and refills N per minute; a request takes one, and when none
//! is left it is refused with the seconds until the next.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The most keys kept; beyond it, the full buckets (those that forgot their requests) are
/// dropped, so a flood of addresses cannot grow the map without bound.
const MAX_KEYS: usize = 10_000;

/// Token buckets by key.
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// Up to `count` requests per minute per key, all at once at most.
    pub fn per_minute(count: u32) -> Self {
        let capacity = f64::from(count.max(1));
        Self {
            capacity,
            per_second: capacity / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The bucket of `key` as of `now`, refilled.
    fn refilled(&self, buckets: &HashMap<String, Bucket>, key: &str, now: Instant) -> Bucket {
        buckets.get(key).map_or(
            Bucket {
                tokens: self.capacity,
                updated: now,
            },
            |bucket| Bucket {
                tokens: (bucket.tokens
                    + now.duration_since(bucket.updated).as_secs_f64() * self.per_second)
                    .min(self.capacity),
                updated: now,
            },
        )
    }

    /// Seconds until `bucket` has a token again.
    fn wait(&self, bucket: Bucket) -> u64 {
        let seconds = ((1.0 - bucket.tokens) / self.per_second).ceil();
        if seconds.is_finite() && seconds >= 1.0 {
            // A positive whole number of seconds, at most a minute.
            seconds as u64
        } else {
            1
        }
    }

    /// Takes a token of `key`: `Err(seconds to wait)` when none is left.
    pub fn take(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut bucket = self.refilled(&buckets, key, now);
        if bucket.tokens < 1.0 {
            return Err(self.wait(bucket));
        }
        bucket.tokens -= 1.0;
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            let capacity = self.capacity;
            let per_second = self.per_second;
            buckets.retain(|_, kept| {
                kept.tokens + now.duration_since(kept.updated).as_secs_f64() * per_second < capacity
            });
        }
        buckets.insert(key.to_owned(), bucket);
        Ok(())
    }

    /// Whether `key` has a token left, without taking it: `Err(seconds to wait)` when not.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = self.refilled(&buckets, key, Instant::now());
        if bucket.tokens < 1.0 {
            Err(self.wait(bucket))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_budget_then_waits_while_others_are_untouched() {
        let limiter = RateLimiter::per_minute(3);
        for _ in 0..3 {
            assert_eq!(limiter.check("a"), Ok(()));
            assert_eq!(limiter.take("a"), Ok(()));
        }
        let wait = limiter.take("a").unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limiter.check("a").is_err());
        assert_eq!(limiter.take("b"), Ok(()));
    }
}
