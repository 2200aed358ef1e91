//! What every screen counts, defined once. The dashboard's cards by status,
//! the card list's filters, the backlog and the plan's pool all read these
//! groups, so the same fact is the same number wherever it shows.

use crate::custody::Status;
use serde::{Deserialize, Serialize};

/// A group of custody states a list can be filtered by and a screen counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// At the office and free to go on a route: printed, or back after a
    /// courier's day (the plan's pool, the backlog's "waiting").
    Waiting,
    /// On a route at the office, or in a courier's bag.
    OnItsWay,
    /// Still to be delivered by a courier: waiting or on its way (the backlog).
    Backlog,
    /// Waiting for the resident to collect it: at the village office, or
    /// held at the office.
    ToCollect,
    /// Back at the office from a courier: returned, or held for pickup after
    /// the last attempt (the day report's "returned").
    Returned,
    /// In the resident's hands: delivered, or collected.
    WithResident,
}

impl Group {
    pub const ALL: [Group; 6] =
        [Group::Waiting, Group::OnItsWay, Group::Backlog, Group::ToCollect, Group::Returned, Group::WithResident];

    pub fn statuses(self) -> &'static [Status] {
        use Status as S;
        match self {
            Group::Waiting => &[S::Printed, S::ReturnedToOffice],
            Group::OnItsWay => &[S::Assigned, S::WithCourier],
            Group::Backlog => &[S::Printed, S::ReturnedToOffice, S::Assigned, S::WithCourier],
            Group::ToCollect => &[S::LeftAtVillageOffice, S::HeldForPickup],
            Group::Returned => &[S::ReturnedToOffice, S::HeldForPickup],
            Group::WithResident => &[S::Delivered, S::Collected],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Waiting => "waiting",
            Group::OnItsWay => "on_its_way",
            Group::Backlog => "backlog",
            Group::ToCollect => "to_collect",
            Group::Returned => "returned",
            Group::WithResident => "with_resident",
        }
    }

    pub fn parse(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn contains(self, status: Status) -> bool {
        self.statuses().contains(&status)
    }
}

/// A card list's status filter: one state, or a group of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    One(Status),
    Group(Group),
}

impl StatusFilter {
    /// `printed`, `delivered`, … or a group's name (`waiting`, `backlog`, …).
    pub fn parse(s: &str) -> Option<StatusFilter> {
        Status::parse(s).map(StatusFilter::One).or_else(|| Group::parse(s).map(StatusFilter::Group))
    }

    pub fn statuses(&self) -> &[Status] {
        match self {
            StatusFilter::One(s) => std::slice::from_ref(s),
            StatusFilter::Group(g) => g.statuses(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backlog_is_what_waits_and_what_is_on_its_way_and_no_group_name_is_a_status() {
        let mut both: Vec<Status> =
            Group::Waiting.statuses().iter().chain(Group::OnItsWay.statuses()).copied().collect();
        both.sort_by_key(|s| s.as_str());
        let mut backlog = Group::Backlog.statuses().to_vec();
        backlog.sort_by_key(|s| s.as_str());
        assert_eq!(both, backlog);
        for g in Group::ALL {
            assert_eq!(Group::parse(g.as_str()), Some(g));
            assert!(Status::parse(g.as_str()).is_none(), "{g:?} would shadow a status");
            assert_eq!(StatusFilter::parse(g.as_str()).map(|f| f.statuses().to_vec()), Some(g.statuses().to_vec()));
        }
        assert_eq!(StatusFilter::parse("delivered").map(|f| f.statuses().to_vec()), Some(vec![Status::Delivered]));
        assert_eq!(StatusFilter::parse("nope"), None);
        // Each state is waiting, on its way, to collect, with the resident, or void: once.
        for s in Status::ALL {
            let homes = [Group::Waiting, Group::OnItsWay, Group::ToCollect, Group::WithResident]
                .into_iter()
                .filter(|g| g.contains(s))
                .count();
            assert_eq!(homes, usize::from(s != Status::Void), "{s:?}");
        }
    }
}
