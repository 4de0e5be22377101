# The WebSocket API: one route and one Lambda proxy integration (to the function's live alias) per entry
# of the route table, one invoke permission per function, the $connect REQUEST authorizer, an explicit deployment that follows every route change, and the stage
# with throttling and JSON access logs.

# Read from the provider's configuration; neither makes an AWS call.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  authorized = var.authorizer != null

  # Function -> the route keys it serves, and the alias they invoke.
  routes_of    = { for key, route in var.routes : route.function_name => key... }
  qualifier_of = { for key, route in var.routes : route.function_name => route.qualifier... }

  # One invoke permission per function, so that its resource policy stays small (20 KB at most) however
  # many routes it serves: scoped to its route when it serves one, to this stage when it serves several.
  permission_source_arn = {
    for function_name, keys in local.routes_of : function_name => (
      length(keys) == 1 ? "${aws_apigatewayv2_api.this.execution_arn}/${var.stage_name}/${keys[0]}" :
      "${aws_apigatewayv2_api.this.execution_arn}/${var.stage_name}/*"
    )
  }

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTimeEpoch   = "$context.requestTimeEpoch"
    eventType          = "$context.eventType"
    routeKey           = "$context.routeKey"
    connectionId       = "$context.connectionId"
    messageId          = "$context.messageId"
    status             = "$context.status"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    principalId        = "$context.authorizer.principalId"
    authorizerStatus   = "$context.authorizer.status"
    authorizerError    = "$context.authorizer.error"
    authorizeError     = "$context.authorize.error"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    integrationError   = "$context.integration.error"
    errorMessage       = "$context.error.message"
    errorResponseType  = "$context.error.responseType"
  })
}

################################################################################
# API
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name                       = var.name
  description                = var.description
  protocol_type              = "WEBSOCKET"
  route_selection_expression = var.route_selection_expression
  tags                       = var.tags
}

################################################################################
# $connect authorizer
################################################################################

resource "aws_apigatewayv2_authorizer" "this" {
  count = local.authorized ? 1 : 0

  api_id           = aws_apigatewayv2_api.this.id
  name             = "${var.name}-connect"
  authorizer_type  = "REQUEST"
  authorizer_uri   = var.authorizer.invoke_arn
  identity_sources = var.authorizer.identity_sources
}

resource "aws_lambda_permission" "authorizer" {
  count = local.authorized ? 1 : 0

  statement_id  = "ApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.authorizer.function_name
  qualifier     = var.authorizer.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this[0].id}"
}

################################################################################
# Routes and integrations
################################################################################

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this.id
  description        = "${each.key} -> ${each.value.function_name}"
  integration_type   = "AWS_PROXY"
  integration_method = "POST"
  integration_uri    = each.value.invoke_arn

  # The route is moved to a replacement before the old integration goes: no moment without a target.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"

  # WebSocket APIs authorize once, at $connect; later messages ride on the accepted connection.
  authorization_type = local.authorized && each.key == "$connect" ? "CUSTOM" : "NONE"
  authorizer_id      = local.authorized && each.key == "$connect" ? aws_apigatewayv2_authorizer.this[0].id : null
}

# Each function's alias may be invoked from this API and stage only (and from its one route, if one).
resource "aws_lambda_permission" "function" {
  for_each = local.permission_source_arn

  statement_id  = "WebSocketApi"
  action        = "lambda:InvokeFunction"
  function_name = each.key
  qualifier     = distinct(local.qualifier_of[each.key])[0]
  principal     = "apigateway.amazonaws.com"
  source_arn    = each.value
}

################################################################################
# Deployment and stage
################################################################################

# WebSocket APIs have no auto-deploy: a new deployment is made whenever a route, an integration or the
# authorizer changes, before the old one goes.
resource "aws_apigatewayv2_deployment" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  description = "Routes: ${join(", ", sort(keys(var.routes)))}"

  triggers = {
    redeployment = sha1(jsonencode({
      routes = {
        for key, route in aws_apigatewayv2_route.this :
        key => [route.route_key, route.target, route.authorization_type, route.authorizer_id]
      }
      integrations = {
        for key, integration in aws_apigatewayv2_integration.this :
        key => [integration.integration_type, integration.integration_method, integration.integration_uri]
      }
      authorizer = [
        for authorizer in aws_apigatewayv2_authorizer.this :
        [authorizer.authorizer_type, authorizer.authorizer_uri, authorizer.identity_sources]
      ]
    }))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/${var.stage_name}/access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# API Gateway writes execution logs to this group and would otherwise create it without a retention.
resource "aws_cloudwatch_log_group" "execution" {
  count = var.execution_logging_level == "OFF" ? 0 : 1

  name              = "API-Gateway-Execution-Logs_${aws_apigatewayv2_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id        = aws_apigatewayv2_api.this.id
  name          = var.stage_name
  deployment_id = aws_apigatewayv2_deployment.this.id

  default_route_settings {
    throttling_rate_limit    = var.throttling_rate_limit
    throttling_burst_limit   = var.throttling_burst_limit
    detailed_metrics_enabled = var.detailed_metrics_enabled
    logging_level            = var.execution_logging_level
    # Full request and response bodies in the logs: never on for a chat service.
    data_trace_enabled = false
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  # Logging needs the account's CloudWatch role in place, and the execution log group before the first log line.
  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]
}

################################################################################
# API Gateway account logging role (one per account and region)
################################################################################

resource "aws_iam_role" "account_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  # IAM names are global to the account: the region keeps a stack of the same name elsewhere apart.
  name        = "${var.name}-apigateway-logs-${data.aws_region.current.name}"
  description = "Lets API Gateway write access and execution logs to CloudWatch Logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "apigateway.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = var.tags
}

# AWS's policy for this purpose: API Gateway names execution log groups itself, per API and stage.
resource "aws_iam_role_policy_attachment" "account_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  role       = aws_iam_role.account_logging[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.account_logging[0].arn
  # Destroying this stack clears the region's setting instead of leaving it on a deleted role.
  reset_on_delete = true

  depends_on = [aws_iam_role_policy_attachment.account_logging]
}
