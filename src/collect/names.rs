//! uid → user name and gid → group name, looked up once per id.
//!
//! `getpwuid_r` may read `/etc/passwd` or ask NSS each time; `ipcs` spends
//! most of its time there. The cache asks once per id per collector.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use nix::unistd::{Gid, Group, Uid, User};

/// Remembers every lookup of one kind of name, including ids without one.
#[derive(Debug)]
pub struct NameCache {
    names: HashMap<u32, Option<String>>,
    lookup: fn(u32) -> Option<String>,
}

impl NameCache {
    /// A cache of user names (`getpwuid_r`).
    pub fn users() -> Self {
        Self::with_lookup(|uid| {
            User::from_uid(Uid::from_raw(uid))
                .ok()
                .flatten()
                .map(|u| u.name)
        })
    }

    /// A cache of group names (`getgrgid_r`).
    pub fn groups() -> Self {
        Self::with_lookup(|gid| {
            Group::from_gid(Gid::from_raw(gid))
                .ok()
                .flatten()
                .map(|g| g.name)
        })
    }

    fn with_lookup(lookup: fn(u32) -> Option<String>) -> Self {
        Self {
            names: HashMap::new(),
            lookup,
        }
    }

    /// The name of `id`, if the system knows one.
    pub fn get(&mut self, id: u32) -> Option<&str> {
        let lookup = self.lookup;
        self.names
            .entry(id)
            .or_insert_with(|| lookup(id))
            .as_deref()
    }

    /// The names of `ids` that have one, for a snapshot.
    pub fn names_of(&mut self, ids: impl IntoIterator<Item = u32>) -> HashMap<u32, String> {
        let mut out = HashMap::new();
        for id in ids {
            if let Entry::Vacant(slot) = out.entry(id)
                && let Some(name) = self.get(id)
            {
                slot.insert(name.to_owned());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_each_id_once_and_remembers_missing_names() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let mut cache = NameCache::with_lookup(|id| {
            CALLS.fetch_add(1, Ordering::Relaxed);
            (id == 0).then(|| "root".to_owned())
        });
        let names = cache.names_of([0, 7, 0, 7, 0]);
        let again = cache.names_of([0, 7]);
        assert_eq!(names, again);
        assert_eq!(names.get(&0).map(String::as_str), Some("root"));
        assert!(!names.contains_key(&7));
        assert_eq!(CALLS.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn root_has_a_name() {
        assert_eq!(NameCache::users().get(0), Some("root"));
    }
}
