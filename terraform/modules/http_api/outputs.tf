output "api_id" {
  description = "Identifier of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "execution_arn" {
  description = "execute-api ARN prefix of the API (arn:...:execute-api:<region>:<account>:<api-id>)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "url" {
  description = "https:// URL of the $default stage, without a trailing slash: append a route's path to call it."
  value       = trimsuffix(aws_apigatewayv2_stage.this.invoke_url, "/")
}

output "stage_name" {
  description = "Name of the stage ($default)."
  value       = aws_apigatewayv2_stage.this.name
}

output "invoke_arns" {
  description = "Route key -> the execute-api ARN a caller must be allowed execute-api:Invoke on for that route (path parameters as \"*\")."
  value       = local.invoke_arn
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}
