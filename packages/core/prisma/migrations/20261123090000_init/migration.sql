-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AccessModifier" AS ENUM ('Public', 'Common', 'Private', 'Hidden');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('member', 'editor', 'admin');

-- CreateEnum
CREATE TYPE "UploadState" AS ENUM ('requested', 'received', 'processing', 'committed', 'rejected', 'retry');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('queued', 'running', 'retry', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "GrantSubject" AS ENUM ('user', 'group', 'anonymous');

-- CreateTable
CREATE TABLE "Organisation" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "email" TEXT,
    "is_superuser" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationMembership" (
    "user_id" INTEGER NOT NULL,
    "organisation_id" INTEGER NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'member',

    CONSTRAINT "OrganisationMembership_pkey" PRIMARY KEY ("user_id","organisation_id")
);

-- CreateTable
CREATE TABLE "Group" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "organisation_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupMembership" (
    "user_id" INTEGER NOT NULL,
    "group_id" INTEGER NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'member',

    CONSTRAINT "GroupMembership_pkey" PRIMARY KEY ("user_id","group_id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "user_id" INTEGER NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Resource" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "organisation_id" INTEGER,
    "owner_id" INTEGER,
    "access_modifier" "AccessModifier" NOT NULL DEFAULT 'Private',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "extra_metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Resource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "resource_id" INTEGER,
    "type" TEXT,
    "filename" TEXT NOT NULL,
    "mime_type" TEXT,
    "size" BIGINT,
    "md5" TEXT,
    "sha256" TEXT,
    "storage_key" TEXT,
    "state" "UploadState" NOT NULL DEFAULT 'requested',
    "state_detail" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "uploader_id" INTEGER,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "idempotency_key" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3),

    CONSTRAINT "Upload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "subject_id" INTEGER,
    "state" "JobState" NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PermissionGrant" (
    "id" SERIAL NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "subject_type" "GrantSubject" NOT NULL,
    "user_id" INTEGER,
    "group_id" INTEGER,
    "permission" TEXT NOT NULL,

    CONSTRAINT "PermissionGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredObject" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "refcount" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredObject_pkey" PRIMARY KEY ("sha256")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_uuid_key" ON "Organisation"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_name_key" ON "Organisation"("name");

-- CreateIndex
CREATE UNIQUE INDEX "User_uuid_key" ON "User"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "OrganisationMembership_organisation_id_idx" ON "OrganisationMembership"("organisation_id");

-- CreateIndex
CREATE UNIQUE INDEX "Group_name_key" ON "Group"("name");

-- CreateIndex
CREATE INDEX "GroupMembership_group_id_idx" ON "GroupMembership"("group_id");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_user_id_idx" ON "ApiKey"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "Resource_uuid_key" ON "Resource"("uuid");

-- CreateIndex
CREATE INDEX "Resource_type_created_at_idx" ON "Resource"("type", "created_at");

-- CreateIndex
CREATE INDEX "Resource_created_at_idx" ON "Resource"("created_at");

-- CreateIndex
CREATE INDEX "Resource_updated_at_idx" ON "Resource"("updated_at");

-- CreateIndex
CREATE INDEX "Resource_name_idx" ON "Resource"("name");

-- CreateIndex
CREATE INDEX "Resource_organisation_id_access_modifier_idx" ON "Resource"("organisation_id", "access_modifier");

-- CreateIndex
CREATE INDEX "Resource_owner_id_idx" ON "Resource"("owner_id");

-- CreateIndex
CREATE INDEX "Resource_access_modifier_idx" ON "Resource"("access_modifier");

-- CreateIndex
CREATE UNIQUE INDEX "Upload_uuid_key" ON "Upload"("uuid");

-- CreateIndex
CREATE INDEX "Upload_state_created_at_idx" ON "Upload"("state", "created_at");

-- CreateIndex
CREATE INDEX "Upload_resource_id_created_at_idx" ON "Upload"("resource_id", "created_at");

-- CreateIndex
CREATE INDEX "Upload_created_at_idx" ON "Upload"("created_at");

-- CreateIndex
CREATE INDEX "Upload_uploader_id_created_at_idx" ON "Upload"("uploader_id", "created_at");

-- CreateIndex
CREATE INDEX "Upload_sha256_idx" ON "Upload"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Upload_uploader_id_idempotency_key_key" ON "Upload"("uploader_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "Job_kind_subject_id_idx" ON "Job"("kind", "subject_id");

-- CreateIndex
CREATE INDEX "Job_state_created_at_idx" ON "Job"("state", "created_at");

-- CreateIndex
CREATE INDEX "PermissionGrant_user_id_permission_idx" ON "PermissionGrant"("user_id", "permission");

-- CreateIndex
CREATE INDEX "PermissionGrant_group_id_permission_idx" ON "PermissionGrant"("group_id", "permission");

-- CreateIndex
CREATE INDEX "PermissionGrant_subject_type_permission_idx" ON "PermissionGrant"("subject_type", "permission");

-- CreateIndex
CREATE UNIQUE INDEX "PermissionGrant_resource_id_subject_type_user_id_group_id_p_key" ON "PermissionGrant"("resource_id", "subject_type", "user_id", "group_id", "permission");

-- AddForeignKey
ALTER TABLE "OrganisationMembership" ADD CONSTRAINT "OrganisationMembership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationMembership" ADD CONSTRAINT "OrganisationMembership_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Group" ADD CONSTRAINT "Group_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMembership" ADD CONSTRAINT "GroupMembership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMembership" ADD CONSTRAINT "GroupMembership_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "Resource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_uploader_id_fkey" FOREIGN KEY ("uploader_id") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionGrant" ADD CONSTRAINT "PermissionGrant_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionGrant" ADD CONSTRAINT "PermissionGrant_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionGrant" ADD CONSTRAINT "PermissionGrant_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

