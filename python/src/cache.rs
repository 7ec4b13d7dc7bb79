//! Compiled kernels of `exprjit.grid` and `exprjit.recurrence`, kept by
//! what they were compiled from, so calling the same grid or recurrence
//! again does not compile again (compiling costs ~0.1–1 ms, more than a
//! 500 × 500 grid takes to fill).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// The most kernels kept per cache; a full cache is emptied.
const CAPACITY: usize = 64;

/// A bounded map from a kernel's source to the kernel.
pub struct Cache<K, V> {
    map: Mutex<Option<HashMap<K, Arc<V>>>>,
}

impl<K: Eq + Hash, V> Cache<K, V> {
    /// An empty cache (usable in a `static`).
    pub const fn new() -> Self {
        Cache {
            map: Mutex::new(None),
        }
    }

    /// The kernel for `key`, built by `build` if it is not kept.
    pub fn get_or_build<E>(
        &self,
        key: K,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        {
            let guard = self.map.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(v) = guard.as_ref().and_then(|m| m.get(&key)) {
                return Ok(v.clone());
            }
        }
        // Built without the lock: compiling may take a millisecond.
        let v = Arc::new(build()?);
        let mut guard = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let map = guard.get_or_insert_with(HashMap::new);
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, v.clone());
        Ok(v)
    }
}
