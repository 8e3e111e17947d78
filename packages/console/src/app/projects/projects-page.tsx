// Development › Projects: every project of the account with its latest and deployed build.
import { Anchor, Badge, Table, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, formatDate, Loading, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { projectsApi, statusColor } from "./project-types";

export default function ProjectsPage() {
  useDocumentTitle("Projects · Sprocket");
  const { accountId } = useSession();
  const projects = useQuery({ queryKey: ["projects", accountId], queryFn: projectsApi.list });
  return (
    <>
      <PageTitle>Projects</PageTitle>
      {projects.isPending ? <Loading /> : null}
      {projects.isError ? <ErrorNotice error={projects.error} /> : null}
      {projects.data?.length === 0 ? (
        <EmptyState title="No projects yet">
          Upload one with <code>sprocket project upload</code> (or HubSpot's <code>hs project upload</code>).
        </EmptyState>
      ) : null}
      {projects.data && projects.data.length > 0 ? (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Latest build</Table.Th>
              <Table.Th>Deployed build</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {projects.data.map((project) => (
              <Table.Tr key={project.id}>
                <Table.Td>
                  <Anchor component={Link} href={paths.project(accountId, project.name)}>
                    {project.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {project.latestBuild ? (
                    <>
                      #{project.latestBuild.buildId}{" "}
                      <Badge size="sm" variant="light" color={statusColor(project.latestBuild.status)}>
                        {project.latestBuild.status}
                      </Badge>
                    </>
                  ) : (
                    "—"
                  )}
                </Table.Td>
                <Table.Td>{project.deployedBuildId ? `#${project.deployedBuildId}` : "—"}</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {project.sourceIntegration ? `${project.sourceIntegration.owner}/${project.sourceIntegration.repositoryName}` : "CLI"}
                  </Text>
                </Table.Td>
                <Table.Td>{formatDate(project.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </>
  );
}
