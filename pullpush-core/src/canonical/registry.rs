//! The set of canonical types a connector may map into.

use indexmap::IndexMap;

use super::{CanonicalError, CanonicalType, builtin};

/// The canonical types known to an engine: the built-in ones plus any the user registered.
///
/// The registry is a plain value passed to whoever needs it (validation, the interpreter), not a
/// global, so two engines in one process can know different types.
#[derive(Debug, Clone)]
pub struct CanonicalRegistry {
    types: IndexMap<String, CanonicalType>,
}

impl CanonicalRegistry {
    /// A registry holding the built-in types.
    pub fn builtin() -> Self {
        let types = builtin::builtin_types()
            .into_iter()
            .map(|ty| (ty.name().to_owned(), ty))
            .collect();
        CanonicalRegistry { types }
    }

    /// Adds a user type. Names are unique: a built-in type cannot be redefined.
    pub fn register(&mut self, ty: CanonicalType) -> Result<(), CanonicalError> {
        if self.types.contains_key(ty.name()) {
            return Err(CanonicalError::Duplicate(ty.name().to_owned()));
        }
        self.types.insert(ty.name().to_owned(), ty);
        Ok(())
    }

    /// Looks a type up by name.
    pub fn get(&self, name: &str) -> Option<&CanonicalType> {
        self.types.get(name)
    }

    /// Looks a type up by name; an unknown name is an error that suggests the closest known one.
    pub fn lookup(&self, name: &str) -> Result<&CanonicalType, CanonicalError> {
        self.get(name).ok_or_else(|| CanonicalError::Unknown {
            name: name.to_owned(),
            suggestion: crate::suggest::closest(name, self.names()).map(str::to_owned),
            known: self.names().collect::<Vec<_>>().join(", "),
        })
    }

    /// All types, built-in first, then user types in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &CanonicalType> {
        self.types.values()
    }

    /// All type names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }
}

impl Default for CanonicalRegistry {
    fn default() -> Self {
        CanonicalRegistry::builtin()
    }
}
