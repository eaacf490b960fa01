// Generated from the satmon API's OpenAPI document by scripts/gen-api.mjs.
// Do not edit: run `npm run gen:api` after changing the API.

export interface paths {
    "/api/v1/inference/submit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit */
        post: operations["submit_api_v1_inference_submit_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inference/status/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job Status */
        get: operations["job_status_api_v1_inference_status__job_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inference/result/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job Result */
        get: operations["job_result_api_v1_inference_result__job_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inference/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Models */
        get: operations["models_api_v1_inference_models_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trends/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Raw */
        get: operations["raw_api_v1_trends_raw_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trends/prediction": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prediction */
        get: operations["prediction_api_v1_trends_prediction_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trends/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Compare
         * @description Raw values and predictions of one metric, with how well they agree where
         *     a raw sample falls on a predicted time.
         */
        get: operations["compare_api_v1_trends_compare_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trends/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Metrics */
        get: operations["metrics_api_v1_trends_metrics_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trends/satellites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Satellites
         * @description Every satellite with telemetry, its last contact and latest values with
         *     their limit state.
         */
        get: operations["satellites_api_v1_trends_satellites_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/query/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Jobs
         * @description Jobs, newest first.
         */
        get: operations["jobs_api_v1_query_jobs_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/query/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stats
         * @description Totals and success rate, anomaly rate per subsystem, inference time per model.
         */
        get: operations["stats_api_v1_query_stats_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/query/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts
         * @description Subsystems found anomalous (the rows of v_anomaly_alerts), newest first.
         */
        get: operations["alerts_api_v1_query_alerts_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/search/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Results */
        get: operations["results_api_v1_search_results_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health */
        get: operations["health_api_v1_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ready
         * @description 200 when every dependency answers, 503 naming the ones that do not.
         */
        get: operations["ready_api_v1_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts
         * @description The rows of v_anomaly_alerts with their acknowledgements, newest first.
         */
        get: operations["alerts_api_v1_alerts_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{job_id}/{subsystem}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge
         * @description Acknowledge an alert. The first acknowledgement stands; repeating it is harmless
         *     and returns that one. 404 if the job found no anomaly in that subsystem.
         */
        post: operations["acknowledge_api_v1_alerts__job_id___subsystem__acknowledge_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live
         * @description Each satellite's newest values when it reports, and every new alert. The first
         *     events are every satellite's current values.
         */
        get: operations["live_api_v1_live_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboard/trends": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Trends
         * @description Per metric: per-step averages, min/max envelope, forecasts with their band,
         *     statistics, and the alerts of the satellite in the range.
         */
        get: operations["trends_api_v1_dashboard_trends_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboard/ground-track": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ground
         * @description Positions, the last orbit's track (sunlit or in eclipse), the sub-solar point
         *     and the ground stations, with the ones that see each satellite now.
         */
        get: operations["ground_api_v1_dashboard_ground_track_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ready
         * @description 200 when every dependency answers, 503 naming the ones that do not.
         */
        get: operations["ready_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AcknowledgementCreate */
        AcknowledgementCreate: {
            /**
             * Acknowledged By
             * @example operator
             */
            acknowledged_by: string;
            /** Note */
            note?: string | null;
        };
        /** AcknowledgementPublic */
        AcknowledgementPublic: {
            /** Job Id */
            job_id: string;
            /** Subsystem */
            subsystem: string;
            /** Acknowledged By */
            acknowledged_by: string;
            /** Note */
            note: string | null;
            /**
             * Acknowledged At
             * Format: date-time
             */
            acknowledged_at: string;
        };
        /** AlertPublic */
        AlertPublic: {
            /** Job Id */
            job_id: string;
            /** Satellite Id */
            satellite_id: string | null;
            /** Subsystem */
            subsystem: string;
            /** Model Name */
            model_name: string;
            /** Anomaly Score */
            anomaly_score: number;
            /** Anomaly Channels */
            anomaly_channels: string[];
            /** Source */
            source: string;
            /** Trigger Reason */
            trigger_reason: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
        };
        /**
         * AlertStatusPublic
         * @description An alert (a row of v_anomaly_alerts) with its acknowledgement, if any.
         */
        AlertStatusPublic: {
            /** Job Id */
            job_id: string;
            /** Satellite Id */
            satellite_id: string | null;
            /** Subsystem */
            subsystem: string;
            /** Model Name */
            model_name: string;
            /** Anomaly Score */
            anomaly_score: number;
            /** Anomaly Channels */
            anomaly_channels: string[];
            /** Source */
            source: string;
            /** Trigger Reason */
            trigger_reason: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            acknowledgement: components["schemas"]["AcknowledgementPublic"] | null;
        };
        /** ChannelForecastPublic */
        ChannelForecastPublic: {
            /** Mean */
            mean: number[];
            /** Lower */
            lower: number[];
            /** Upper */
            upper: number[];
        };
        /** CompareStats */
        CompareStats: {
            /** Matched Points */
            matched_points: number;
            /** Mae */
            mae: number | null;
            /** Rmse */
            rmse: number | null;
            /**
             * Within Band
             * @description Share of raw points inside the band
             */
            within_band?: number | null;
        };
        /** CompareTrends */
        CompareTrends: {
            /** Metric */
            metric: string;
            /** Satellite Id */
            satellite_id: string;
            /** Unit */
            unit: string;
            /** Start Ms */
            start_ms: number;
            /** End Ms */
            end_ms: number;
            /** Step S */
            step_s: number;
            /** Raw */
            raw: [
                number,
                number
            ][];
            /** Prediction */
            prediction: components["schemas"]["PredictionPointPublic"][];
            stats: components["schemas"]["CompareStats"];
        };
        /** DependencyCheck */
        DependencyCheck: {
            /** Ok */
            ok: boolean;
            /** Service */
            service: string;
            /** Url */
            url: string;
            /** Detail */
            detail?: string | null;
        };
        /** ErrorBody */
        ErrorBody: {
            /** Status */
            status: number;
            /** Code */
            code: string;
            /** Message */
            message: string;
            /**
             * Fields
             * @default []
             */
            fields: components["schemas"]["FieldProblem"][];
            /** Service */
            service?: string | null;
        };
        /** ErrorResponse */
        ErrorResponse: {
            error: components["schemas"]["ErrorBody"];
        };
        /** FieldProblem */
        FieldProblem: {
            /** Field */
            field: string;
            /** Reason */
            reason: string;
        };
        /** ForecastPublic */
        ForecastPublic: {
            /** Start Ms */
            start_ms: number;
            /** Step Ms */
            step_ms: number;
            /** Channels */
            channels: {
                [key: string]: components["schemas"]["ChannelForecastPublic"];
            };
        };
        /** GeoPointPublic */
        GeoPointPublic: {
            /** Latitude */
            latitude: number;
            /** Longitude */
            longitude: number;
        };
        /** GroundStationPublic */
        GroundStationPublic: {
            /** Name */
            name: string;
            /** Latitude */
            latitude: number;
            /** Longitude */
            longitude: number;
            /** Elevation Mask Deg */
            elevation_mask_deg: number;
        };
        /** GroundTrackPublic */
        GroundTrackPublic: {
            /** Now Ms */
            now_ms: number;
            subsolar: components["schemas"]["GeoPointPublic"];
            /** Stations */
            stations: components["schemas"]["GroundStationPublic"][];
            /** Satellites */
            satellites: components["schemas"]["SatelliteTrackPublic"][];
        };
        /** Health */
        Health: {
            /**
             * Status
             * @constant
             */
            status: "ok";
            /** Version */
            version: string;
        };
        /** InferenceConfig */
        InferenceConfig: {
            /**
             * Forecast Horizon
             * @description Steps to forecast
             */
            forecast_horizon?: number | null;
            /**
             * Window Size
             * @description Steps the model reads
             */
            window_size?: number | null;
        };
        /**
         * InferenceCreate
         * @description The seed's request. With `data`, one series is forecast; without it, the
         *     satellite in metadata.satellite_id is analysed per subsystem from stored data.
         */
        InferenceCreate: {
            /**
             * Model Name
             * @example holt_linear_baseline
             */
            model_name?: string | null;
            /** Data */
            data?: number[] | null;
            /** @default {} */
            config: components["schemas"]["InferenceConfig"];
            /** @default {} */
            metadata: components["schemas"]["InferenceMetadata"];
        };
        /** InferenceMetadata */
        InferenceMetadata: {
            /** Satellite Id */
            satellite_id?: string | null;
            /** Source */
            source?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** InferenceResultPublic */
        InferenceResultPublic: {
            job: components["schemas"]["JobPublic"];
            /** Subsystems */
            subsystems: components["schemas"]["SubsystemResultPublic"][];
            /** @description The forecast of a single-series job */
            result?: components["schemas"]["SeriesResultPublic"] | null;
        };
        /** InferenceSubmitted */
        InferenceSubmitted: {
            /** Job Id */
            job_id: string;
            /** Status */
            status: string;
            /** Message */
            message: string;
        };
        /** JobPage */
        JobPage: {
            /** Total */
            total: number;
            /** Limit */
            limit: number;
            /** Offset */
            offset: number;
            /** Items */
            items: components["schemas"]["JobPublic"][];
        };
        /** JobProgress */
        JobProgress: {
            /** Completed */
            completed: number;
            /** Total */
            total: number;
        };
        /** JobPublic */
        JobPublic: {
            /** Job Id */
            job_id: string;
            /** Satellite Id */
            satellite_id: string | null;
            /** Source */
            source: string;
            /** Trigger Reason */
            trigger_reason: string | null;
            /** Status */
            status: string;
            /** Model Name */
            model_name: string;
            /** Total Subsystems */
            total_subsystems: number;
            /** Completed Subsystems */
            completed_subsystems: number;
            /** Anomalies Detected */
            anomalies_detected: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Started At */
            started_at: string | null;
            /** Completed At */
            completed_at: string | null;
            /** Error Message */
            error_message: string | null;
        };
        /**
         * JobStatus
         * @enum {string}
         */
        JobStatus: "pending" | "processing" | "completed" | "failed";
        /** JobStatusPublic */
        JobStatusPublic: {
            /** Job Id */
            job_id: string;
            /** Status */
            status: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Started At */
            started_at: string | null;
            /** Completed At */
            completed_at: string | null;
            progress: components["schemas"]["JobProgress"];
            /** Error Message */
            error_message: string | null;
        };
        /** LatestPublic */
        LatestPublic: {
            /** Value */
            value: number;
            /** Timestamp Ms */
            timestamp_ms: number;
            /**
             * State
             * @enum {string}
             */
            state: "nominal" | "warning" | "alarm" | "none";
        };
        /** LimitsPublic */
        LimitsPublic: {
            /** Yellow */
            yellow: [
                number,
                number
            ];
            /** Red */
            red: [
                number,
                number
            ];
        };
        /**
         * LiveAlertEvent
         * @description A new anomaly alert.
         */
        LiveAlertEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "alert";
            alert: components["schemas"]["AlertStatusPublic"];
        };
        /**
         * LiveTelemetryEvent
         * @description The newest values of a satellite, sent when it reports.
         */
        LiveTelemetryEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "telemetry";
            /** Satellite Id */
            satellite_id: string;
            /** Timestamp Ms */
            timestamp_ms: number;
            /** Values */
            values: {
                [key: string]: components["schemas"]["LatestPublic"];
            };
        };
        /** MetricPublic */
        MetricPublic: {
            /** Metric */
            metric: string;
            /** Subsystem */
            subsystem: string;
            /** Field */
            field: string;
            /** Unit */
            unit: string;
            /**
             * Kind
             * @enum {string}
             */
            kind: "float" | "int" | "bool";
            /** Description */
            description: string;
            /** Valid */
            valid: [
                number,
                number
            ] | null;
            limits: components["schemas"]["LimitsPublic"] | null;
            /** Modelled */
            modelled: boolean;
        };
        /** MetricSeriesPublic */
        MetricSeriesPublic: {
            /** Metric */
            metric: string;
            /** Unit */
            unit: string;
            /** Series */
            series: components["schemas"]["SeriesPublic"][];
        };
        /** ModelPublic */
        ModelPublic: {
            /** Name */
            name: string;
            /** Version */
            version: string;
            /** Ready */
            ready: boolean;
            /** Description */
            description: string;
            /** Default */
            default: boolean;
        };
        /** ModelStatsPublic */
        ModelStatsPublic: {
            /** Model Name */
            model_name: string;
            /** Total */
            total: number;
            /** Avg Time Ms */
            avg_time_ms: number | null;
            /** Min Time Ms */
            min_time_ms: number | null;
            /** Max Time Ms */
            max_time_ms: number | null;
        };
        /** PredictionPointPublic */
        PredictionPointPublic: {
            /** Timestamp Ms */
            timestamp_ms: number;
            /** Value */
            value: number;
            /** Lower */
            lower: number;
            /** Upper */
            upper: number;
            /** Job Id */
            job_id: string;
        };
        /** PredictionTrends */
        PredictionTrends: {
            /** Metric */
            metric: string;
            /** Satellite Id */
            satellite_id: string;
            /** Unit */
            unit: string;
            /** Start Ms */
            start_ms: number;
            /** End Ms */
            end_ms: number;
            /** Points */
            points: components["schemas"]["PredictionPointPublic"][];
        };
        /** RawTrends */
        RawTrends: {
            /** Start Ms */
            start_ms: number;
            /** End Ms */
            end_ms: number;
            /** Step S */
            step_s: number;
            /** Metrics */
            metrics: components["schemas"]["MetricSeriesPublic"][];
        };
        /** Readiness */
        Readiness: {
            /**
             * Status
             * @enum {string}
             */
            status: "ready" | "unavailable";
            /** Checks */
            checks: {
                [key: string]: components["schemas"]["DependencyCheck"];
            };
        };
        /** SatellitePublic */
        SatellitePublic: {
            /** Satellite Id */
            satellite_id: string;
            /** Last Seen Ms */
            last_seen_ms: number;
            /** Latest */
            latest: {
                [key: string]: components["schemas"]["LatestPublic"];
            };
        };
        /** SatelliteTrackPublic */
        SatelliteTrackPublic: {
            /** Satellite Id */
            satellite_id: string;
            /** Last Seen Ms */
            last_seen_ms: number;
            position: components["schemas"]["GeoPointPublic"];
            /** Altitude Km */
            altitude_km: number | null;
            /** Eclipse */
            eclipse: boolean | null;
            /** Link Up */
            link_up: boolean | null;
            /**
             * In View
             * @description Ground stations above their elevation mask
             */
            in_view: string[];
            /**
             * Coverage Radius Deg
             * @description Great-circle radius around a station within which it sees the satellite
             */
            coverage_radius_deg: number | null;
            /** Track */
            track: [
                number,
                number,
                number,
                boolean
            ][];
        };
        /** SearchHitPublic */
        SearchHitPublic: {
            /** Job Id */
            job_id: string;
            /** Satellite Id */
            satellite_id: string | null;
            /** Source */
            source: string;
            /** Trigger Reason */
            trigger_reason: string | null;
            /** Status */
            status: string;
            /** Model name */
            model_name: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Completed At */
            completed_at: string | null;
            /** Anomalous Subsystems */
            anomalous_subsystems: string[];
            /** Anomaly Channels */
            anomaly_channels: string[];
            /** Max Anomaly Score */
            max_anomaly_score: number | null;
            /** Score */
            score: number;
        };
        /** SearchResultsPublic */
        SearchResultsPublic: {
            /** Query */
            query: string;
            /** Total */
            total: number;
            /** Hits */
            hits: components["schemas"]["SearchHitPublic"][];
        };
        /** SeriesPublic */
        SeriesPublic: {
            /** Satellite Id */
            satellite_id: string;
            /** Subsystem */
            subsystem: string;
            /** Points */
            points: [
                number,
                number
            ][];
        };
        /** SeriesResultPublic */
        SeriesResultPublic: {
            /** Model Name */
            model_name: string;
            /** Forecast */
            forecast: number[];
            /** Lower */
            lower: number[];
            /** Upper */
            upper: number[];
            /** Anomaly Score */
            anomaly_score: number;
            /** Anomaly Detected */
            anomaly_detected: boolean;
            /** Inference Time Ms */
            inference_time_ms: number;
        };
        /** StatsPublic */
        StatsPublic: {
            /** Total Jobs */
            total_jobs: number;
            /** Completed */
            completed: number;
            /** Failed */
            failed: number;
            /** Processing */
            processing: number;
            /** Pending */
            pending: number;
            /** Success Rate */
            success_rate: number | null;
            /** By Subsystem */
            by_subsystem: components["schemas"]["SubsystemStatsPublic"][];
            /** By Model */
            by_model: components["schemas"]["ModelStatsPublic"][];
        };
        /** SubsystemResultPublic */
        SubsystemResultPublic: {
            /** Subsystem */
            subsystem: string;
            /** Model Name */
            model_name: string;
            /** Status */
            status: string;
            /** Anomaly Detected */
            anomaly_detected: boolean | null;
            /** Anomaly Score */
            anomaly_score: number | null;
            /** Anomaly Channels */
            anomaly_channels: string[];
            /** Channel Scores */
            channel_scores: {
                [key: string]: number;
            };
            /** Inference Time Ms */
            inference_time_ms: number | null;
            forecast: components["schemas"]["ForecastPublic"] | null;
            /** Window End Ms */
            window_end_ms: number | null;
            /** Error Message */
            error_message: string | null;
        };
        /** SubsystemStatsPublic */
        SubsystemStatsPublic: {
            /** Subsystem */
            subsystem: string;
            /** Total */
            total: number;
            /** Anomalies */
            anomalies: number;
            /** Anomaly Rate */
            anomaly_rate: number;
            /** Avg Score */
            avg_score: number | null;
        };
        /** TrendMetricPublic */
        TrendMetricPublic: {
            /** Metric */
            metric: string;
            /** Subsystem */
            subsystem: string;
            /** Field */
            field: string;
            /** Unit */
            unit: string;
            /** Description */
            description: string;
            limits: components["schemas"]["LimitsPublic"] | null;
            /**
             * Points
             * @description Per-step averages
             */
            points: [
                number,
                number
            ][];
            /**
             * Envelope
             * @description Per-step min and max
             */
            envelope: [
                number,
                number,
                number
            ][];
            /**
             * Prediction
             * @description Forecasts, newest job per step
             */
            prediction: [
                number,
                number,
                number,
                number
            ][];
            stats: components["schemas"]["TrendStatsPublic"];
            /**
             * Anomalies
             * @description Alerts of this metric's subsystem in the range
             */
            anomalies: number;
        };
        /**
         * TrendStatsPublic
         * @description Over the range: min and max of every raw sample; mean and std of the plotted
         *     (per-step average) points; change is last minus first plotted point.
         */
        TrendStatsPublic: {
            /** Points */
            points: number;
            /** Min */
            min: number | null;
            /** Max */
            max: number | null;
            /** Mean */
            mean: number | null;
            /** Std */
            std: number | null;
            /** First */
            first: number | null;
            /** Last */
            last: number | null;
            /** Change */
            change: number | null;
        };
        /**
         * TrendViewPublic
         * @description Everything a satellite's trend charts show, on one step grid.
         */
        TrendViewPublic: {
            /** Satellite Id */
            satellite_id: string;
            /** Start Ms */
            start_ms: number;
            /** End Ms */
            end_ms: number;
            /** Step S */
            step_s: number;
            /** Last Seen Ms */
            last_seen_ms: number | null;
            /** Metrics */
            metrics: components["schemas"]["TrendMetricPublic"][];
            /** Alerts */
            alerts: components["schemas"]["AlertStatusPublic"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    submit_api_v1_inference_submit_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InferenceCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InferenceSubmitted"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    job_status_api_v1_inference_status__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatusPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    job_result_api_v1_inference_result__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InferenceResultPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    models_api_v1_inference_models_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelPublic"][];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    raw_api_v1_trends_raw_get: {
        parameters: {
            query: {
                /** @description One or more metric names */
                metric: string[];
                satellite_id?: string | null;
                /** @description One of 1h, 6h, 1d, 1w; default 1h */
                range?: string | null;
                /** @description Start (RFC 3339); with end */
                start?: string | null;
                /** @description End (RFC 3339); default now */
                end?: string | null;
                /** @description Step such as 30s or 5m; default: about 1,000 points over the range */
                step?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RawTrends"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    prediction_api_v1_trends_prediction_get: {
        parameters: {
            query: {
                /** @description A metric name, e.g. satellite_temperature */
                metric: string;
                satellite_id: string;
                /** @description One of 1h, 6h, 1d, 1w; default 1h */
                range?: string | null;
                /** @description Start (RFC 3339); with end */
                start?: string | null;
                /** @description End (RFC 3339); default now */
                end?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictionTrends"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    compare_api_v1_trends_compare_get: {
        parameters: {
            query: {
                /** @description A metric name, e.g. satellite_temperature */
                metric: string;
                satellite_id: string;
                /** @description One of 1h, 6h, 1d, 1w; default 1h */
                range?: string | null;
                /** @description Start (RFC 3339); with end */
                start?: string | null;
                /** @description End (RFC 3339); default now */
                end?: string | null;
                /** @description Step such as 30s or 5m; default: about 1,000 points over the range */
                step?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompareTrends"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    metrics_api_v1_trends_metrics_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricPublic"][];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    satellites_api_v1_trends_satellites_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SatellitePublic"][];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    jobs_api_v1_query_jobs_get: {
        parameters: {
            query?: {
                status?: components["schemas"]["JobStatus"] | null;
                satellite_id?: string | null;
                source?: string | null;
                model_name?: string | null;
                created_after?: string | null;
                created_before?: string | null;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobPage"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    stats_api_v1_query_stats_get: {
        parameters: {
            query?: {
                since?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatsPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    alerts_api_v1_query_alerts_get: {
        parameters: {
            query?: {
                satellite_id?: string | null;
                subsystem?: string | null;
                since?: string | null;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertPublic"][];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    results_api_v1_search_results_get: {
        parameters: {
            query: {
                /** @description Words that must all match; end a word with * to match a prefix */
                q: string;
                satellite_id?: string | null;
                status?: string | null;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResultsPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    health_api_v1_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ready_api_v1_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    alerts_api_v1_alerts_get: {
        parameters: {
            query?: {
                satellite_id?: string | null;
                subsystem?: string | null;
                since?: string | null;
                until?: string | null;
                acknowledged?: boolean | null;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertStatusPublic"][];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    acknowledge_api_v1_alerts__job_id___subsystem__acknowledge_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
                subsystem: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcknowledgementCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcknowledgementPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    live_api_v1_live_get: {
        parameters: {
            query?: {
                satellite_id?: string | null;
                /** @description Send alerts created from this time on; default the last 10 s */
                alerts_since?: string | null;
                /** @description Seconds before the stream ends; then reconnect */
                duration_s?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    trends_api_v1_dashboard_trends_get: {
        parameters: {
            query: {
                satellite_id: string;
                /** @description Metric names */
                metric: string[];
                /** @description One of 1h, 6h, 1d, 1w; default 1h */
                range?: string | null;
                /** @description Start (RFC 3339); with end */
                start?: string | null;
                /** @description End (RFC 3339); default now */
                end?: string | null;
                /** @description Step such as 30s or 5m; default: about 1,000 points over the range */
                step?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrendViewPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ground_api_v1_dashboard_ground_track_get: {
        parameters: {
            query?: {
                satellite_id?: string | null;
                /** @description Length of the track behind each satellite */
                minutes?: number;
                /** @description The moment; default now */
                at?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroundTrackPublic"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ready_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
}
