# The backend HTTP API: one route per entry of the route table's httpRoutes, each signed with SigV4
# (AWS_IAM authorization, no route is open) and a Lambda proxy integration with payload format 2.0 to
# its function's live alias, and one invoke permission per function; the $default stage deploys itself
# on every change, throttles every route and writes JSON access logs.

locals {
  # "POST /rooms/{room}/messages" -> method "POST", path "/rooms/{room}/messages". In execute-api ARNs
  # the method ANY is "*".
  method_of  = { for key in keys(var.routes) : key => split(" ", key)[0] }
  path_of    = { for key in keys(var.routes) : key => trimprefix(key, "${local.method_of[key]} ") }
  arn_method = { for key, method in local.method_of : key => method == "ANY" ? "*" : method }

  # API Gateway sends the route's own method and path template as the source of each invocation.
  source_arn = {
    for key in keys(var.routes) :
    key => "${aws_apigatewayv2_api.this.execution_arn}/*/${local.arn_method[key]}${local.path_of[key]}"
  }

  # One invoke permission per function, so that its resource policy stays small (20 KB at most): scoped
  # to its route's method and path when it serves one, to any route of this API when it serves several.
  routes_of    = { for key, route in var.routes : route.function_name => key... }
  qualifier_of = { for key, route in var.routes : route.function_name => route.qualifier... }
  permission_source_arn = {
    for function_name, keys in local.routes_of : function_name => (
      length(keys) == 1 ? local.source_arn[keys[0]] : "${aws_apigatewayv2_api.this.execution_arn}/*/*"
    )
  }

  # What a caller's policy names for execute-api:Invoke: the request's own path, so parameters are "*".
  invoke_arn = {
    for key in keys(var.routes) :
    key => "${aws_apigatewayv2_api.this.execution_arn}/*/${local.arn_method[key]}${replace(local.path_of[key], "/\\{[^}]+\\}/", "*")}"
  }

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTimeEpoch   = "$context.requestTimeEpoch"
    httpMethod         = "$context.httpMethod"
    routeKey           = "$context.routeKey"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    callerAccountId    = "$context.identity.accountId"
    callerArn          = "$context.identity.userArn"
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
  name          = var.name
  description   = var.description
  protocol_type = "HTTP"
  tags          = var.tags
}

################################################################################
# Routes and integrations
################################################################################

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "${each.key} -> ${each.value.function_name}"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = var.integration_timeout_milliseconds

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

  # Only callers whose IAM identity may execute-api:Invoke this route get through; API Gateway checks
  # the SigV4 signature before the function runs.
  authorization_type = "AWS_IAM"
}

# Each function's alias may be invoked from this API only (and from its one route, if one).
resource "aws_lambda_permission" "function" {
  for_each = local.permission_source_arn

  statement_id  = "BackendApi"
  action        = "lambda:InvokeFunction"
  function_name = each.key
  qualifier     = distinct(local.qualifier_of[each.key])[0]
  principal     = "apigateway.amazonaws.com"
  source_arn    = each.value
}

################################################################################
# Stage
################################################################################

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# HTTP APIs write access logs through a service-linked role: no account-level logging role is needed.
resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.throttling_rate_limit
    throttling_burst_limit   = var.throttling_burst_limit
    detailed_metrics_enabled = var.detailed_metrics_enabled
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags
}
