output "websocket_url" {
  description = "wss:// URL clients connect to."
  value       = module.api.websocket_url
}

output "management_endpoint" {
  description = "https:// endpoint of the @connections API for this stage."
  value       = module.api.management_endpoint
}

output "api_id" {
  description = "Identifier of the WebSocket API."
  value       = module.api.api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.api.stage_name
}

output "table_name" {
  description = "Name of the DynamoDB table."
  value       = module.table.name
}

output "function_names" {
  description = "Lambda function name of every function of the route table, by route-table name."
  value       = { for name, function in module.functions : name => function.function_name }
}

output "log_groups" {
  description = "CloudWatch log groups: one per function, plus the stage's access logs."
  value = merge(
    { for name, function in module.functions : name => function.log_group_name },
    { access = module.api.access_log_group_name },
  )
}

output "auth_mode" {
  description = "How $connect is authorized: jwt or anonymous."
  value       = var.auth_mode
}

output "wscat_command" {
  description = "A command that opens a connection to the deployed stack (npx wscat, or a globally installed wscat)."
  value = local.jwt ? (
    "npx wscat -c '${module.api.websocket_url}?token=<JWT from your issuer>'"
    ) : (
    "npx wscat -c '${module.api.websocket_url}?name=alice'"
  )
}
