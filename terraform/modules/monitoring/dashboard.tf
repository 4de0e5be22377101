# The stack's CloudWatch dashboard: connections, messages in and out, deliveries and gone connections,
# p99 durations, throttles, errors, and the fan-out queues.

data "aws_region" "current" {}

locals {
  region    = data.aws_region.current.name
  functions = sort(keys(var.function_names))

  websocket = ["ApiId", var.websocket_api.id, "Stage", var.websocket_api.stage]
  http      = ["ApiId", var.http_api.id, "Stage", var.http_api.stage]
  own       = ["service", var.metrics_service]

  # One line per function of a Lambda metric, labelled with its route-table name.
  per_function = {
    for metric in ["Duration", "Throttles", "Errors"] : metric => [
      for key in local.functions : ["AWS/Lambda", metric, "FunctionName", var.function_names[key], { label = key }]
    ]
  }

  widgets = [
    {
      title   = "Connections"
      stat    = "Sum"
      metrics = [concat(["AWS/ApiGateway", "ConnectCount"], local.websocket, [{ label = "connects ($connect)" }])]
    },
    {
      title = "Messages in and out"
      stat  = "Sum"
      metrics = [
        concat(["AWS/ApiGateway", "MessageCount"], local.websocket, [{ label = "WebSocket messages (both ways)" }]),
        concat(["AWS/ApiGateway", "Count"], local.http, [{ label = "backend API requests" }]),
        concat([var.metrics_namespace, "DeliveriesSucceeded"], local.own, [{ label = "delivered by the functions" }]),
        concat([var.metrics_namespace, "FanOutJobDeliveries"], local.own, [{ label = "delivered by the fanout worker" }]),
      ]
    },
    {
      title = "Deliveries"
      stat  = "Sum"
      metrics = [
        concat([var.metrics_namespace, "FanOutRecipients"], local.own, [{ label = "recipients" }]),
        concat([var.metrics_namespace, "DeliveriesSucceeded"], local.own, [{ label = "delivered" }]),
        concat([var.metrics_namespace, "DeliveriesFailed"], local.own, [{ label = "failed" }]),
        concat([var.metrics_namespace, "FanOutIncomplete"], local.own, [{ label = "fan-outs incomplete" }]),
        concat([var.metrics_namespace, "FanOutJobsQueued"], local.own, [{ label = "jobs queued" }]),
        concat([var.metrics_namespace, "FanOutJobsFailed"], local.own, [{ label = "jobs failed" }]),
      ]
    },
    {
      title   = "Gone connections"
      stat    = "Sum"
      metrics = [concat([var.metrics_namespace, "DeliveriesGone"], local.own, [{ label = "gone (410, removed)" }])]
    },
    {
      title   = "p99 duration (ms)"
      stat    = "p99"
      metrics = local.per_function["Duration"]
    },
    {
      title = "Throttles"
      stat  = "Sum"
      metrics = concat(
        local.per_function["Throttles"],
        [for operation in var.table_operations : ["AWS/DynamoDB", "ThrottledRequests", "TableName", var.table_name, "Operation", operation, { label = "table ${operation}" }]],
      )
    },
    {
      title = "Errors"
      stat  = "Sum"
      metrics = concat(
        local.per_function["Errors"],
        [
          concat(["AWS/ApiGateway", "IntegrationError"], local.websocket, [{ label = "WebSocket integration errors" }]),
          concat(["AWS/ApiGateway", "ExecutionError"], local.websocket, [{ label = "WebSocket execution errors" }]),
          concat(["AWS/ApiGateway", "5xx"], local.http, [{ label = "backend API 5xx" }]),
        ],
      )
    },
    {
      title = "Fan-out queues"
      stat  = "Maximum"
      metrics = concat([], [
        for key, queue in var.queues : [
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue.name, { label = "${key}: oldest job (s)" }],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.dead_letter_name, { label = "${key}: dead letters" }],
        ]
      ]...)
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      for index, widget in local.widgets : {
        type   = "metric"
        width  = 12
        height = 6
        x      = (index % 2) * 12
        y      = floor(index / 2) * 6
        properties = {
          title   = widget.title
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = 60
          stat    = widget.stat
          metrics = widget.metrics
        }
      }
    ]
  })
}
