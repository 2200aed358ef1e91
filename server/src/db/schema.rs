//! The tables, in portable types only, so one schema serves SQLite and
//! PostgreSQL through the same queries.

diesel::table! {
    offices (id) {
        id -> Text,
        regency_code -> Text,
        name -> Text,
        time_zone -> Text,
        max_failed_attempts -> Integer,
        link_lifetime_days -> Integer,
        require_photo -> Bool,
        require_signature -> Bool,
        require_id_check -> Bool,
        require_gps -> Bool,
        created_at -> Timestamp,
        office_lat -> Nullable<Double>,
        office_lon -> Nullable<Double>,
        max_stops_per_route -> Integer,
        notify_channel -> Text,
        notify_url -> Nullable<Text>,
        notify_secret -> Nullable<Text>,
        notify_quiet_hours -> Text,
        notify_moments -> Text,
        notify_templates -> Text,
        notify_channel_note -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        office_id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        display_name -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        session_epoch -> Integer,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
        successor_id -> Nullable<Text>,
        revoked -> Bool,
    }
}

diesel::table! {
    cards (id) {
        id -> Text,
        office_id -> Text,
        nik -> Text,
        name -> Text,
        address -> Text,
        rt -> Nullable<Text>,
        rw -> Nullable<Text>,
        kelurahan -> Text,
        kecamatan -> Text,
        regency -> Nullable<Text>,
        sex -> Nullable<Text>,
        birth_date -> Nullable<Text>,
        phone -> Nullable<Text>,
        printed_on -> Nullable<Text>,
        batch -> Nullable<Text>,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        pin_lat -> Nullable<Double>,
        pin_lon -> Nullable<Double>,
        landmark -> Nullable<Text>,
        status -> Text,
        resident -> Nullable<Text>,
        failed_attempts -> Integer,
        courier_id -> Nullable<Text>,
        replaces_card_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        handed_back -> Bool,
    }
}

diesel::table! {
    card_events (id) {
        id -> Text,
        card_id -> Text,
        office_id -> Text,
        kind -> Text,
        occurred_at -> Timestamp,
        received_at -> Timestamp,
        actor_id -> Nullable<Text>,
        device_id -> Nullable<Text>,
        payload -> Text,
        content_hash -> Text,
        implied_by -> Nullable<Text>,
        flag -> Nullable<Text>,
        device_time -> Nullable<Timestamp>,
        batch_id -> Nullable<Text>,
    }
}

diesel::table! {
    sync_batches (id) {
        id -> Text,
        office_id -> Text,
        courier_id -> Text,
        device_id -> Text,
        sent_at -> Timestamp,
        received_at -> Timestamp,
        skew_ms -> BigInt,
        events -> Integer,
    }
}

diesel::table! {
    rejected_events (id) {
        id -> Text,
        office_id -> Text,
        event_id -> Text,
        card_id -> Nullable<Text>,
        actor_id -> Text,
        device_id -> Nullable<Text>,
        code -> Text,
        message -> Text,
        body -> Text,
        received_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    routes (id) {
        id -> Text,
        office_id -> Text,
        courier_id -> Text,
        date -> Text,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    route_stops (route_id, card_id) {
        route_id -> Text,
        card_id -> Text,
        seq -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    resident_links (id) {
        id -> Text,
        card_id -> Text,
        office_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked -> Bool,
    }
}

diesel::table! {
    resident_reports (id) {
        id -> Text,
        card_id -> Text,
        office_id -> Text,
        message -> Text,
        created_at -> Timestamp,
        kind -> Text,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<Text>,
        resolution_note -> Nullable<Text>,
    }
}

diesel::table! {
    review_resolutions (kind, item_id) {
        kind -> Text,
        item_id -> Text,
        office_id -> Text,
        resolved_by -> Text,
        resolved_at -> Timestamp,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        office_id -> Text,
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_heads (office_id) {
        office_id -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    media (office_id, sha256) {
        office_id -> Text,
        sha256 -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> offices (office_id));
diesel::joinable!(cards -> offices (office_id));
diesel::joinable!(card_events -> cards (card_id));
diesel::table! {
    notifications (id) {
        id -> Text,
        office_id -> Text,
        card_id -> Text,
        moment -> Text,
        cause -> Text,
        channel -> Text,
        status -> Text,
        phone -> Nullable<Text>,
        link_token -> Nullable<Text>,
        vars -> Text,
        message -> Nullable<Text>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_attempts (notification_id, attempt) {
        notification_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        http_status -> Nullable<Integer>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    login_limits (key) {
        key -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::joinable!(notifications -> cards (card_id));
diesel::joinable!(route_stops -> routes (route_id));
diesel::joinable!(route_stops -> cards (card_id));
diesel::joinable!(routes -> users (courier_id));
diesel::joinable!(resident_links -> cards (card_id));

diesel::allow_tables_to_appear_in_same_query!(
    offices,
    notifications,
    notification_attempts,
    users,
    refresh_tokens,
    cards,
    card_events,
    rejected_events,
    sync_batches,
    media,
    routes,
    route_stops,
    resident_links,
    resident_reports,
    review_resolutions,
    audit_log,
    audit_heads,
);
