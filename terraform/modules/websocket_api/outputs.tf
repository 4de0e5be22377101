output "api_id" {
  description = "Identifier of the WebSocket API."
  value       = aws_apigatewayv2_api.this.id
}

output "execution_arn" {
  description = "execute-api ARN prefix of the API (arn:...:execute-api:<region>:<account>:<api-id>)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_apigatewayv2_stage.this.name
}

output "websocket_url" {
  description = "wss:// URL clients connect to."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "management_endpoint" {
  description = "https:// endpoint of the @connections API for this stage (what the functions post replies to)."
  value       = "${replace(aws_apigatewayv2_api.this.api_endpoint, "wss://", "https://")}/${var.stage_name}"
}

output "connections_arns" {
  description = "execute-api resources for sending to (POST) and closing (DELETE) this stage's connections."
  value = [
    for method in ["POST", "DELETE"] :
    "${aws_apigatewayv2_api.this.execution_arn}/${var.stage_name}/${method}/@connections/*"
  ]
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}
