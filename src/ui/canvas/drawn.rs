//! What the canvas keeps per document revision: the scene and the far view's levels derived from it.
//! Must not draw or change the document: the document keeps one and brings it up to date after edits.
//!
//! The scene ([`Scene`]) is updated edit by edit; the far view's levels ([`Levels`]) are derived from
//! it on the first frame drawn at each level and then follow the scene's updates.

pub(crate) use super::far::Level;
use super::far::Levels;
use super::scene::{Change, Scene, Source};

/// The scene of one revision and the far view's levels derived from it so far.
pub(crate) struct Drawn {
    /// Spatial indexes, groups, bundles and routes.
    pub scene: Scene,
    /// The far view, per zoom level, derived on first use.
    levels: Levels,
}

impl From<Scene> for Drawn {
    fn from(scene: Scene) -> Self {
        Drawn {
            scene,
            levels: Levels::default(),
        }
    }
}

impl Drawn {
    /// Derives everything anew from `doc`.
    pub fn build(doc: &impl Source) -> Drawn {
        Drawn::from(Scene::build(doc))
    }

    /// A copy for a fork at `revision`: the scene's indexes and the levels derived so far are the
    /// same.
    pub fn copy_for(&self, revision: u64) -> Drawn {
        Drawn {
            scene: self.scene.copy_for(revision),
            levels: self.levels.clone(),
        }
    }

    /// Follows an applied edit, the far view's levels with the scene; false when it was too large
    /// to follow (then build anew).
    pub fn update(&mut self, doc: &impl Source, change: &Change) -> bool {
        if !self.scene.update(doc, change) {
            self.levels = Levels::default();
            return false;
        }
        let redone = std::mem::take(&mut self.scene.redone);
        self.levels.update(doc, &self.scene, &redone);
        true
    }

    /// The far view for a frame at `zoom` (derived on the first frame at its level).
    pub fn level(&self, doc: &impl Source, zoom: f32) -> &Level {
        self.levels.get(doc, &self.scene, zoom)
    }
}
