# One Lambda function of the route table with its own log group and an IAM role that allows exactly
# what the route table says the function uses. Terraform uploads the zip from `make build`; it never builds.

locals {
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
  name        = var.function_name
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
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.log_statements, local.table_statements, local.index_statements, local.connections_statements)
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
