# Alarms on what a chat user would notice: functions failing or throttled, API Gateway failing to reach
# them, the table throttling, and deliveries that the functions themselves report as failed or cut
# short; and the stack's dashboard (dashboard.tf). The queue module alarms on its own queues.
# Thresholds are documented in docs/operations.md ("Alarms and the dashboard").

locals {
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]

  # "Persistent": in 3 of the last 5 minutes. One failed invocation or delivery is noise a retry
  # absorbs; the same failure minute after minute is an incident.
  persistent = { period = 60, evaluation_periods = 5, datapoints_to_alarm = 3 }
  # "Immediate": any in one minute, for what is never expected (throttling drops messages at once).
  immediate = { period = 60, evaluation_periods = 1, datapoints_to_alarm = 1 }
  # "Any in five minutes": a five-minute sum above zero.
  five_minutes = { period = 300, evaluation_periods = 1, datapoints_to_alarm = 1 }

  # Every alarm on one metric: the metric, where it is, the window, and what it means.
  metric_alarms = merge(
    { for key, function_name in var.function_names : "${key}-errors" => {
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = function_name }
      window      = local.persistent
      description = "${function_name} failed invocations (Errors) in 3 of the last 5 minutes: its log group says why."
    } },
    { for key, function_name in var.function_names : "${key}-throttles" => {
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = { FunctionName = function_name }
      window      = local.immediate
      description = "Lambda refused invocations of ${function_name} (Throttles): the account's or the function's concurrency is exhausted; those requests and messages were lost."
    } },
    {
      "websocket-integration-errors" = {
        namespace   = "AWS/ApiGateway"
        metric      = "IntegrationError"
        dimensions  = { ApiId = var.websocket_api.id, Stage = var.websocket_api.stage }
        window      = local.persistent
        description = "The WebSocket API got error answers from its functions (IntegrationError) in 3 of the last 5 minutes."
      }
      "websocket-execution-errors" = {
        namespace   = "AWS/ApiGateway"
        metric      = "ExecutionError"
        dimensions  = { ApiId = var.websocket_api.id, Stage = var.websocket_api.stage }
        window      = local.persistent
        description = "The WebSocket API failed to call its functions (ExecutionError, its 5xx) in 3 of the last 5 minutes."
      }
      # HTTP APIs publish no integration metric of their own: a function that fails, times out or
      # cannot be invoked is a 5xx.
      "backend-api-5xx" = {
        namespace   = "AWS/ApiGateway"
        metric      = "5xx"
        dimensions  = { ApiId = var.http_api.id, Stage = var.http_api.stage }
        window      = local.persistent
        description = "The backend API answered 5xx (failed, timed out or unreachable functions) in 3 of the last 5 minutes."
      }
    },
    # The functions' own metrics (src/handlers: metered-fan-out.ts, error-frames.ts, the fanout worker).
    {
      "deliveries-failed" = {
        namespace   = var.metrics_namespace
        metric      = "DeliveriesFailed"
        dimensions  = { service = var.metrics_service }
        window      = local.five_minutes
        description = "Deliveries to live connections failed after their retries (DeliveriesFailed) in the last 5 minutes: recipients missed messages."
      }
      "fan-outs-incomplete" = {
        namespace   = var.metrics_namespace
        metric      = "FanOutIncomplete"
        dimensions  = { service = var.metrics_service }
        window      = local.immediate
        description = "A fan-out stopped before reaching every member (FanOutIncomplete): a member listing failed part-way."
      }
      "errors-after-answer" = {
        namespace   = var.metrics_namespace
        metric      = "ErrorsAfterAnswer"
        dimensions  = { service = var.metrics_service }
        window      = local.immediate
        description = "A request failed after its answer was sent (ErrorsAfterAnswer): logged, never seen by the client."
      }
      "fan-out-jobs-failed" = {
        namespace   = var.metrics_namespace
        metric      = "FanOutJobsFailed"
        dimensions  = { service = var.metrics_service }
        window      = local.five_minutes
        description = "The fanout worker failed jobs (FanOutJobsFailed) in the last 5 minutes; the queue retries them, then dead-letters them."
      }
      "fan-out-jobs-malformed" = {
        namespace   = var.metrics_namespace
        metric      = "FanOutJobsMalformed"
        dimensions  = { service = var.metrics_service }
        window      = local.immediate
        description = "The fanout worker got a job nobody can run (FanOutJobsMalformed); it will end in the dead-letter queue."
      }
    },
  )

  # ThrottledRequests has an Operation dimension: one metric per operation, added up.
  operation_ids = { for operation in var.table_operations : operation => "throttled_${lower(operation)}" }
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = each.value.description

  namespace   = each.value.namespace
  metric_name = each.value.metric
  dimensions  = each.value.dimensions
  statistic   = "Sum"
  period      = each.value.window.period

  evaluation_periods  = each.value.window.evaluation_periods
  datapoints_to_alarm = each.value.window.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # These metrics exist only while something happens: no data is all clear.
  treat_missing_data = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "table_throttled_requests" {
  alarm_name        = "${var.name}-table-throttled-requests"
  alarm_description = "DynamoDB throttled requests to ${var.table_name} (ThrottledRequests, all operations) in the last minute: the SDK retried them, but latency grew and some may have failed."

  metric_query {
    id = "throttled"
    # SUM of the list adds what each operation reported at each minute, whichever did.
    expression  = "SUM([${join(", ", [for operation in var.table_operations : local.operation_ids[operation]])}])"
    label       = "ThrottledRequests"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.operation_ids

    content {
      id = metric_query.value

      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = "ThrottledRequests"
        dimensions  = { TableName = var.table_name, Operation = metric_query.key }
        stat        = "Sum"
        period      = local.immediate.period
      }
    }
  }

  evaluation_periods  = local.immediate.evaluation_periods
  datapoints_to_alarm = local.immediate.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
  tags          = var.tags
}
