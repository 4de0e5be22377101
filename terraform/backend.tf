# State lives in S3, never silently on one machine: this partial backend takes its bucket, key and
# region from a file passed at init (`make ... TF_BACKEND_CONFIG=terraform/backends/<env>.s3.tfbackend`).
# A throwaway stack may keep local state instead with TF_STATE=local (see docs/deploy.md, "State").
terraform {
  backend "s3" {}
}
