# roomcast: the WebSocket API, the backend HTTP API, one Lambda function per entry of the route table,
# the queues that feed its workers, the single table, and the alarms and dashboard that watch them.
# Routes, queues, functions and permissions come from src/handlers/route-table.json and the table from
# src/adapters/dynamodb/table-definition.json, the same files the build and the local stack read.

locals {
  repository_root  = "${path.module}/.."
  route_table      = jsondecode(file(coalesce(var.route_table_file, "${local.repository_root}/src/handlers/route-table.json")))
  table_definition = jsondecode(file(coalesce(var.table_definition_file, "${local.repository_root}/src/adapters/dynamodb/table-definition.json")))
  artifacts_dir    = coalesce(var.artifacts_dir, "${local.repository_root}/dist")

  name_prefix         = "${var.name}-${var.environment}"
  stage_name          = coalesce(var.stage_name, var.environment)
  deletion_protection = coalesce(var.deletion_protection, var.environment != "dev")

  jwt                 = var.auth_mode == "jwt"
  authorizer_function = local.route_table.authorizer.function

  # Every function of the route table; the authorizer only when tokens are checked.
  functions = {
    for name, spec in local.route_table.functions : name => spec
    if name != local.authorizer_function || local.jwt
  }

  # Backend HTTP API route key ("METHOD /path") -> function.
  http_routes = try(local.route_table.httpRoutes, {})

  routes_of = {
    for name in keys(local.functions) : name => sort([for key, target in local.route_table.routes : key if target == name])
  }
  http_routes_of = {
    for name in keys(local.functions) : name => sort([for key, target in local.http_routes : key if target == name])
  }

  # Queue name -> the function its event source mapping invokes, and that mapping's settings.
  queues = try(local.route_table.queues, {})
  queues_of = {
    for name in keys(local.functions) : name => sort([for key, queue in local.queues : key if queue.function == name])
  }
  # Functions whose route-table `sqs` actions hand shard jobs to the fan-out queue (its worker included).
  fan_out_queue = "fanout"
  sqs_actions   = { for name, spec in local.functions : name => try(spec.sqs, []) }

  timeouts = {
    for name in keys(local.functions) : name => (
      name == local.authorizer_function ? var.authorizer_timeout_seconds :
      length(local.queues_of[name]) > 0 ? var.fanout_timeout_seconds : var.function_timeout_seconds
    )
  }

  # What each function serves, shown in the Lambda console (256 characters at most).
  serves = {
    for name in keys(local.functions) : name => concat(
      length(local.routes_of[name]) > 0 ? ["${var.name}: ${join(", ", local.routes_of[name])}"] : [],
      length(local.http_routes_of[name]) > 0 ? ["${var.name} backend API: ${join(", ", local.http_routes_of[name])}"] : [],
      length(local.queues_of[name]) > 0 ? ["${var.name} queue worker: ${join(", ", local.queues_of[name])}"] : [],
    )
  }
  descriptions = {
    for name, parts in local.serves : name => (
      name == local.authorizer_function ? "${var.name}: $connect authorizer" :
      length(parts) > 0 ? substr(join("; ", parts), 0, 256) : "${var.name}: ${name}"
    )
  }

  # The service carries the environment: stacks of one account share the namespace, and an alarm on one
  # stack's metrics must not fire for another's.
  powertools_environment = {
    POWERTOOLS_SERVICE_NAME      = local.name_prefix
    POWERTOOLS_METRICS_NAMESPACE = var.name
    POWERTOOLS_LOG_LEVEL         = var.log_level
    SDK_TRACING                  = var.sdk_tracing ? "on" : "off"
    NODE_OPTIONS                 = "--enable-source-maps"
  }

  chat_environment = merge(var.extra_environment, local.powertools_environment, {
    TABLE_NAME             = module.table.name
    AUTH_MODE              = var.auth_mode
    LOBBY_ROOM             = var.lobby_room
    FAN_OUT_CONCURRENCY    = tostring(var.fan_out_concurrency)
    MESSAGE_RETENTION_DAYS = tostring(var.message_retention_days)
    # Every chat function writes or reads room members: they must all agree on the bucketing.
    FAN_OUT_INLINE_MAX         = tostring(var.fan_out_inline_max)
    FAN_OUT_DELIVERIES_PER_JOB = tostring(var.fan_out_deliveries_per_job)
    MEMBERS_PER_BUCKET         = tostring(var.members_per_bucket)
    ROOM_SHAPE_CACHE_MS        = tostring(var.room_shape_cache_ms)
  })

  # The backend API functions and the queue workers are not called through the WebSocket API, so they
  # cannot work out its @connections endpoint from their event: they are given it.
  backend_environment = merge(local.chat_environment, {
    MANAGEMENT_ENDPOINT = module.api.management_endpoint
  })

  # Only the functions allowed to send to the fan-out queue learn its URL; the others fan out inline.
  queue_environment = {
    for name, actions in local.sqs_actions : name => length(actions) > 0 ? { FAN_OUT_QUEUE_URL = module.queues[local.fan_out_queue].url } : {}
  }

  authorizer_environment = merge(
    local.powertools_environment,
    var.cognito_user_pool_id != null ? {
      COGNITO_USER_POOL_ID = var.cognito_user_pool_id
      COGNITO_CLIENT_ID    = join(",", var.cognito_client_ids)
      } : {
      JWT_ISSUER   = var.jwt_issuer
      JWT_AUDIENCE = join(",", var.jwt_audience)
    },
    var.jwks_uri != null ? { JWKS_URI = var.jwks_uri } : {},
  )
}

################################################################################
# Table
################################################################################

module "table" {
  source = "./modules/table"

  name          = local.name_prefix
  hash_key      = local.table_definition.hashKey
  range_key     = try(local.table_definition.rangeKey, null)
  attributes    = local.table_definition.attributes
  ttl_attribute = local.table_definition.ttlAttribute
  global_secondary_indexes = [
    for index in try(local.table_definition.globalSecondaryIndexes, []) : {
      name               = index.name
      hash_key           = index.hashKey
      range_key          = try(index.rangeKey, null)
      projection_type    = try(index.projectionType, "ALL")
      non_key_attributes = try(index.nonKeyAttributes, null)
    }
  ]

  deletion_protection = local.deletion_protection
  kms_key_arn         = var.table_kms_key_arn
}

################################################################################
# Functions
################################################################################

module "functions" {
  source   = "./modules/function"
  for_each = local.functions

  function_name = "${local.name_prefix}-${each.key}"
  description   = local.descriptions[each.key]
  package_file  = "${local.artifacts_dir}/${each.key}.zip"

  memory_mb       = each.key == local.authorizer_function ? var.authorizer_memory_mb : var.function_memory_mb
  timeout_seconds = local.timeouts[each.key]
  environment = (
    each.key == local.authorizer_function ? local.authorizer_environment :
    length(local.http_routes_of[each.key]) > 0 || length(local.queues_of[each.key]) > 0 ? merge(local.backend_environment, local.queue_environment[each.key]) :
    merge(local.chat_environment, local.queue_environment[each.key])
  )
  log_level          = var.log_level
  log_retention_days = var.log_retention_days

  # Least privilege, straight from the route table.
  dynamodb_actions        = each.value.dynamodb
  dynamodb_table_arn      = length(each.value.dynamodb) > 0 ? module.table.arn : null
  manage_connections_arns = each.value.manageConnections ? module.api.connections_arns : []
  sqs_actions             = local.sqs_actions[each.key]
  sqs_queue_arn           = length(local.sqs_actions[each.key]) > 0 ? module.queues[local.fan_out_queue].arn : null
  queue_kms_key_arn       = var.queue_kms_key_arn
  table_kms_key_arn       = var.table_kms_key_arn

  event_source_queues = {
    for queue in local.queues_of[each.key] : queue => {
      arn                        = module.queues[queue].arn
      visibility_timeout_seconds = module.queues[queue].visibility_timeout_seconds
      batch_size                 = local.queues[queue].batchSize
      maximum_concurrency = (
        queue == local.fan_out_queue ? coalesce(var.fanout_maximum_concurrency, local.queues[queue].maximumConcurrency) : local.queues[queue].maximumConcurrency
      )
    }
  }
}

################################################################################
# Queues and their workers
################################################################################

module "queues" {
  source   = "./modules/queue"
  for_each = local.queues

  name = "${local.name_prefix}-${each.key}"

  consumer_timeout_seconds = local.timeouts[each.value.function]
  max_receive_count        = each.value.maxReceiveCount
  kms_key_arn              = var.queue_kms_key_arn

  oldest_message_age_threshold_seconds = var.queue_age_alarm_seconds
  alarm_topic_arn                      = var.alarm_topic_arn
}

################################################################################
# WebSocket API
################################################################################

module "api" {
  source = "./modules/websocket_api"

  name                       = local.name_prefix
  description                = "${var.name} chat (${var.environment})"
  route_selection_expression = local.route_table.routeSelectionExpression

  routes = {
    for key, function in local.route_table.routes : key => {
      function_name = module.functions[function].function_name
      qualifier     = module.functions[function].alias_name
      invoke_arn    = module.functions[function].invoke_arn
    }
  }

  authorizer = local.jwt ? {
    function_name    = module.functions[local.authorizer_function].function_name
    qualifier        = module.functions[local.authorizer_function].alias_name
    invoke_arn       = module.functions[local.authorizer_function].invoke_arn
    identity_sources = local.route_table.authorizer.identitySources
  } : null

  stage_name                  = local.stage_name
  throttling_rate_limit       = var.throttling_rate_limit
  throttling_burst_limit      = var.throttling_burst_limit
  detailed_metrics_enabled    = var.detailed_metrics_enabled
  execution_logging_level     = var.execution_logging_level
  log_retention_days          = var.log_retention_days
  manage_account_logging_role = var.manage_api_gateway_account
}

################################################################################
# Backend HTTP API
################################################################################

module "backend_api" {
  source = "./modules/http_api"

  name        = "${local.name_prefix}-backend"
  description = "${var.name} backend API (${var.environment}): requests signed with SigV4 by callers allowed execute-api:Invoke"

  routes = {
    for key, function in local.http_routes : key => {
      function_name = module.functions[function].function_name
      qualifier     = module.functions[function].alias_name
      invoke_arn    = module.functions[function].invoke_arn
    }
  }

  throttling_rate_limit    = var.backend_api_throttling_rate_limit
  throttling_burst_limit   = var.backend_api_throttling_burst_limit
  detailed_metrics_enabled = var.detailed_metrics_enabled
  log_retention_days       = var.log_retention_days
}

################################################################################
# Alarms and dashboard
################################################################################

module "monitoring" {
  source = "./modules/monitoring"

  name = local.name_prefix
  # The namespace and service dimension the functions publish their own metrics under.
  metrics_namespace = local.powertools_environment.POWERTOOLS_METRICS_NAMESPACE
  metrics_service   = local.powertools_environment.POWERTOOLS_SERVICE_NAME

  function_names = { for name, function in module.functions : name => function.function_name }
  websocket_api  = { id = module.api.api_id, stage = module.api.stage_name }
  http_api       = { id = module.backend_api.api_id, stage = module.backend_api.stage_name }
  table_name     = module.table.name
  queues = {
    for name, queue in module.queues : name => { name = queue.name, dead_letter_name = queue.dead_letter_name }
  }

  alarm_topic_arn = var.alarm_topic_arn
}
