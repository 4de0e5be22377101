# One Lambda function of the route table with its own log group and an IAM role that allows exactly
# what the route table says the function uses; for a queue's worker, the event source mapping that
# invokes it with the queue's messages and the right to read them. Terraform uploads the zip from `make build`; it never builds.

# The provider's region, read from its configuration without an AWS call.
data "aws_region" "current" {}

locals {
  # IAM role names are global to the account: the region keeps the same stack in two regions apart.
  role_name = "${var.function_name}-${data.aws_region.current.name}"

  # Only these DynamoDB actions can target an index; item actions are granted on the table alone.
  index_actions = ["Query", "Scan"]

  log_statements = [
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
    },
    # X-Ray has no resource-level permissions: "*" is the only resource these actions accept.
    {
      Sid      = "WriteTraces"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = ["*"]
    },
  ]

  table_statements = length(var.dynamodb_actions) == 0 ? [] : [
    {
      Sid      = "UseTable"
      Effect   = "Allow"
      Action   = [for action in sort(distinct(var.dynamodb_actions)) : "dynamodb:${action}"]
      Resource = [var.dynamodb_table_arn]
    },
  ]

  index_statement_actions = sort(setintersection(var.dynamodb_actions, local.index_actions))
  index_statements = length(local.index_statement_actions) == 0 ? [] : [
    {
      Sid      = "QueryIndexes"
      Effect   = "Allow"
      Action   = [for action in local.index_statement_actions : "dynamodb:${action}"]
      Resource = ["${var.dynamodb_table_arn}/index/*"]
    },
  ]

  queue_statements = length(var.sqs_actions) == 0 ? [] : [
    {
      Sid      = "SendToQueue"
      Effect   = "Allow"
      Action   = [for action in sort(distinct(var.sqs_actions)) : "sqs:${action}"]
      Resource = [var.sqs_queue_arn]
    },
  ]

  # What an SQS event source mapping needs of the function's role to read the queue for it.
  consumed_queue_arns = sort([for queue in values(var.event_source_queues) : queue.arn])
  consume_statements = length(local.consumed_queue_arns) == 0 ? [] : [
    {
      Sid      = "ConsumeQueues"
      Effect   = "Allow"
      Action   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      Resource = local.consumed_queue_arns
    },
  ]

  # A queue encrypted with a customer key: senders make data keys with it, senders and readers decrypt.
  queue_key_actions = concat(
    length(var.sqs_actions) > 0 ? ["kms:GenerateDataKey"] : [],
    length(var.sqs_actions) > 0 || length(local.consumed_queue_arns) > 0 ? ["kms:Decrypt"] : [],
  )
  queue_key_statements = var.queue_kms_key_arn == null || length(local.queue_key_actions) == 0 ? [] : [
    {
      Sid      = "UseQueueKey"
      Effect   = "Allow"
      Action   = sort(local.queue_key_actions)
      Resource = [var.queue_kms_key_arn]
    },
  ]

  # A table encrypted with a customer key: DynamoDB uses the key with the caller's permissions, so every
  # function that reads or writes items needs these. GenerateDataKey* is how AWS names the pair
  # GenerateDataKey and GenerateDataKeyWithoutPlaintext; the grant stays on this one key.
  table_key_statements = var.table_kms_key_arn == null || length(var.dynamodb_actions) == 0 ? [] : [
    {
      Sid      = "UseTableKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
      Resource = [var.table_kms_key_arn]
    },
  ]

  connections_statements = length(var.manage_connections_arns) == 0 ? [] : [
    {
      Sid      = "ManageConnections"
      Effect   = "Allow"
      Action   = ["execute-api:ManageConnections"]
      Resource = sort(var.manage_connections_arns)
    },
  ]
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

################################################################################
# IAM: one role per function
################################################################################

resource "aws_iam_role" "this" {
  name        = local.role_name
  description = "Runs the ${var.function_name} function"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.role_name) <= 64
      error_message = "The role name ${local.role_name} (function name and region) is longer than IAM's 64 characters: shorten the stack name or environment."
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      local.log_statements, local.table_statements, local.index_statements, local.connections_statements,
      local.queue_statements, local.consume_statements, local.queue_key_statements, local.table_key_statements,
    )
  })
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = var.description
  role             = aws_iam_role.this.arn
  filename         = var.package_file
  source_code_hash = filebase64sha256(var.package_file)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  # Every change of code or configuration is a new numbered version; callers reach the function only
  # through the live alias, which a rollback points at an earlier version without a rebuild.
  publish = true

  dynamic "environment" {
    for_each = length(var.environment) == 0 ? [] : [var.environment]

    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  # Powertools writes JSON lines; with the JSON format Lambda keeps them as they are and filters by level.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "INFO"
  }

  tags = var.tags

  # The first invocation must find its permissions in place.
  depends_on = [aws_iam_role_policy.this]
}

# What API Gateway and the event source mappings invoke. Each apply points it at the version it
# published; `make rollback` points it back (docs/deploy.md, "Roll back").
resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  description      = "The version callers are given: the newest deployed, or an earlier one after a rollback"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

################################################################################
# Queues that invoke the function
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.event_source_queues

  event_source_arn = each.value.arn
  function_name    = aws_lambda_alias.live.arn
  enabled          = true

  batch_size = each.value.batch_size
  # Jobs go to a worker as soon as they arrive: fan-out is latency, not throughput.
  maximum_batching_window_in_seconds = 0
  # The function reports the records it could not handle; only those are received again.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = each.value.maximum_concurrency
  }

  tags = var.tags

  lifecycle {
    # Lambda refuses a mapping whose function may run longer than the queue hides a message; AWS
    # advises six times as long, so that a retried invocation never overlaps the first.
    precondition {
      condition     = each.value.visibility_timeout_seconds >= 6 * var.timeout_seconds
      error_message = "The visibility timeout of queue ${each.key} must be at least six times the function's timeout (${var.timeout_seconds} s)."
    }
  }

  # The mapping starts reading at once, with the role's permissions.
  depends_on = [aws_iam_role_policy.this]
}
